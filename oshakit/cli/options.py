"""Command-line options several subcommands share: the recordkeeping policy."""

from __future__ import annotations

import argparse

from oshakit.cases import CAPS


def add_policy_options(p: argparse.ArgumentParser) -> None:
    """``--as-of``, ``--cap``, ``--privacy-auto`` and ``--eh-compat`` (one ``Policy``)."""
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="date open spans run to, YYYY-MM-DD (default: end of the log year, or today)",
    )
    p.add_argument("--cap", choices=CAPS, default="combined",
                   help="180-day cap policy (default: combined)")
    p.add_argument("--privacy-auto", action="store_true",
                   help="mark suspected privacy cases instead of only reporting them")
    p.add_argument("--eh-compat", action="store_true",
                   help="count days like Enterprise Health's own OSHA 300 report")


def policy_kwargs(args: argparse.Namespace) -> dict:
    """The policy options of ``args`` as keyword arguments of ``pipeline.run``."""
    return {"cap": args.cap, "as_of": args.as_of, "privacy_auto": args.privacy_auto,
            "eh_compat": args.eh_compat}
