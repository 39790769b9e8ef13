"""What several subcommands share: the recordkeeping policy options, the one pipeline call,
and the fail-closed rule of the filing commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from oshakit.cases.policy import CAPS, Policy
from oshakit.errors import BundleError, OshakitError
from oshakit.result import Result

#: Rows of the refusal table printed before "... and N more".
MAX_SHOWN = 30


class Refused(OshakitError):
    """A filing command refused to write or send anything (exit code 1)."""


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


def add_filing_options(p: argparse.ArgumentParser) -> None:
    """``--accept-rejects``: go on knowingly when the loader could not read everything."""
    p.add_argument(
        "--accept-rejects", action="store_true",
        help="file even though rows or cells that feed the log could not be read; every "
        "output then says it was prepared from an incomplete bundle")


def policy_from_args(args: argparse.Namespace) -> Policy:
    """The one :class:`Policy` of a command, built from its options."""
    return Policy.parse(cap=args.cap, as_of=args.as_of, privacy_auto=args.privacy_auto,
                        eh_compat=args.eh_compat)


def compute(args: argparse.Namespace, *, filing: bool = False) -> Result:
    """Run the pipeline for the command's bundle, year, policy and establishment.

    A filing command (``filing=True``) refuses — :class:`Refused`, nothing written, nothing
    sent — when anything that feeds the log of the year could not be read, unless the user
    passed ``--accept-rejects``; the table of what could not be read goes to stderr.
    """
    from oshakit.pipeline import run

    path = Path(args.bundle)
    if not path.is_dir():
        raise BundleError(f"bundle folder not found: {path}")
    establishment = getattr(args, "establishment", None)
    result = run(path, args.year, policy_from_args(args),
                 establishment=establishment if isinstance(establishment, str) else None)
    if not result.complete:
        print(unread_table(result), file=sys.stderr)
        if filing and not getattr(args, "accept_rejects", False):
            raise Refused(
                f"{len(result.unread):,} row(s) or cell(s) that feed the "
                f"{args.year or ''} log could not be read (above); nothing was written or "
                "sent. Fix the files, or pass --accept-rejects to file anyway (every output "
                "will say it was prepared from an incomplete bundle).")
        print(f"warning: {result.notice()}", file=sys.stderr)
    return result


def unread_table(result: Result) -> str:
    """What could not be read, one problem a block: where and why (file, line, column,
    code, message) and what it affects; at most :data:`MAX_SHOWN` of them."""
    table = result.unread.drop_duplicates(["file", "line", "column", "code"])
    lines = [f"could not be read ({len(table):,}):"]
    for r in table.head(MAX_SHOWN).itertuples(index=False):
        where = ":".join(str(v) for v in (r.file, r.line) if not _blank(v))
        column = "" if _blank(r.column) else f" [{r.column}]"
        message = str(r.message)
        if message.startswith(f"{where}{column}: "):  # the loader's messages say where
            message = message[len(f"{where}{column}: "):]
        lines += [f"  {where}{column} {r.code}: {message}", f"    affects: {r.affects}"]
    if len(table) > MAX_SHOWN:
        lines.append(f"  ... and {len(table) - MAX_SHOWN:,} more (oshakit inspect BUNDLE "
                     f"--year {result.year} --all lists them)")
    return "\n".join(lines)


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value) \
        or str(value) in ("", "<NA>", "nan")
