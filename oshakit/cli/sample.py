"""``oshakit sample``: write a sample (or defect) case bundle."""

from __future__ import annotations

import argparse

from oshakit.errors import OshakitError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sample",
        help="write a realistic sample case bundle (optionally with deliberate defects)",
        description=(
            "Write the eight files of a case bundle for a few establishments in different "
            "industries. The same options always give the same bytes. --defects adds "
            "deliberate faults and lists them in defects.csv; --scale grows the bundle for "
            "benchmarks (1000 is about a million encounters)."
        ),
    )
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write (created if needed)")
    p.add_argument("--establishments", type=int, default=3, metavar="N",
                   help="number of establishments (default 3)")
    p.add_argument("--years", type=int, nargs="+", default=[2023, 2024, 2025], metavar="YEAR",
                   help="calendar years of injuries (default 2023 2024 2025)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--defects", action="store_true",
                   help="inject faults of every kind and write defects.csv")
    p.add_argument("--scale", type=float, default=1.0, metavar="X",
                   help="multiply row counts (default 1: about 1,000 encounters)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from oshakit.sample import DEFECTS_FILE, generate
    from oshakit.schema import KINDS

    if args.establishments < 1:
        raise OshakitError("--establishments must be at least 1")
    if args.scale <= 0:
        raise OshakitError("--scale must be positive")
    try:
        out = generate(args.out_dir, establishments=args.establishments,
                       years=tuple(args.years), seed=args.seed, defects=args.defects,
                       scale=args.scale)
    except OSError as exc:
        raise OshakitError(f"cannot write the bundle to {args.out_dir}: {exc}") from exc
    print(f"wrote sample bundle to {out}")
    names = [k.filename for k in KINDS.values()] + ([DEFECTS_FILE] if args.defects else [])
    width = max(len(n) for n in names)
    for name in names:
        print(f"  {name:<{width}}  {_records(out / name):>10,} rows")
    return 0


def _records(path) -> int:
    """Data records in a CSV file (quoted newlines do not count as records)."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1
