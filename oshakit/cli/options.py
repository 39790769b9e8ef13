"""Command-line options several subcommands share: the recordkeeping policy."""

from __future__ import annotations

import argparse

from oshakit.cases.policy import CAPS, Policy


def add_policy_options(p: argparse.ArgumentParser) -> None:
    """``--as-of``, ``--cap``, ``--no-privacy-auto`` and ``--eh-compat``: one ``Policy``."""
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="the records as they stood on DATE (YYYY-MM-DD): later injuries, deaths and "
        "spans are left out and open spans run to it (default: end of the log year, or today)",
    )
    p.add_argument("--cap", choices=CAPS, default=CAPS[0],
                   help=f"180-day cap policy (default: {CAPS[0]})")
    p.add_argument("--no-privacy-auto", dest="privacy_auto", action="store_false",
                   help="only report cases that must be privacy cases (1904.29(b)(7)) "
                   "instead of treating them as such")
    p.add_argument("--eh-compat", action="store_true",
                   help="count days like Enterprise Health's own OSHA 300 report")


def policy_from_args(args: argparse.Namespace) -> Policy:
    """The one :class:`Policy` of a command, built from its options."""
    return Policy.parse(cap=args.cap, as_of=args.as_of, privacy_auto=args.privacy_auto,
                        eh_compat=args.eh_compat)
