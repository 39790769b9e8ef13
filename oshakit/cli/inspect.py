"""``oshakit inspect``: what a bundle holds and what the loader rejected."""

from __future__ import annotations

import argparse

from oshakit.bundle import load_bundle


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show the kinds found in a bundle, row accounting and rejects",
        description="Load a case bundle and print which file holds which kind, rows read, "
        "accepted and rejected per file, and a summary of the problems found. "
        "Exit code 1 when the loader rejected anything.",
    )
    p.add_argument("bundle", help="folder of the case bundle")
    p.add_argument("--strict", action="store_true", help="fail on the first problem list")
    p.add_argument("--rejects", metavar="FILE.csv", help="also write the rejects table here")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_bundle(args.bundle, strict=args.strict)
    print(bundle.summary())
    if args.rejects:
        from oshakit.outputs import write_csv  # formulas in rejected text made inert
        write_csv(bundle.rejects, args.rejects)
        print(f"rejects written to {args.rejects}")
    return 1 if len(bundle.rejects) else 0
