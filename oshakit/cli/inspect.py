"""``oshakit inspect``: what a bundle holds, every problem the loader found, and whether the
bundle is fit to file."""

from __future__ import annotations

import argparse
import textwrap

import pandas as pd

from oshakit.bundle import Bundle, load_bundle
from oshakit.problems import severity_order

#: Problems shown per file and code before "... and N more".
LIMIT = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show the kinds found in a bundle, row accounting and every problem",
        description="Load a case bundle and print which file holds which kind, rows read, "
        "accepted and rejected per file, every problem the loader found (file, line, "
        "column, code, message; grouped by file and code) and whether the bundle is fit to "
        "file. Exit code 1 when the loader could not read a row, a cell or a file.",
    )
    p.add_argument("bundle", help="folder of the case bundle")
    p.add_argument("--strict", action="store_true",
                   help="stop with one error listing every problem instead")
    p.add_argument("--rejects", metavar="FILE.csv", help="also write every problem here")
    p.add_argument("--year", type=int, help="also say which problems feed this year's log "
                   "(reconciles the bundle)")
    p.add_argument("--limit", type=int, default=LIMIT,
                   help=f"problems shown per file and code (default {LIMIT})")
    p.add_argument("--all", action="store_true", help="show every problem")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    bundle = load_bundle(args.bundle, strict=args.strict)
    if args.year is not None:  # a year the bundle does not cover is refused, as elsewhere
        from oshakit.pipeline import bundle_years
        from oshakit.result import check_year

        check_year(args.year, bundle_years(bundle))
    limit = None if args.all else max(args.limit, 0)
    print(accounting_text(bundle))
    print()
    print(problems_text(bundle.rejects, limit))
    unread = None
    if args.year is not None:
        unread = _unread(bundle, args.year)
        print()
        print(unread_text(unread, args.year, limit) if unread is not None else
              f"The bundle could not be reconciled for {args.year}, so what feeds its log "
              "is not known.")
    if args.rejects:
        from oshakit.outputs import write_csv  # formulas in rejected text made inert

        write_csv(bundle.rejects, args.rejects)
        print(f"\nevery problem written to {args.rejects}")
    print()
    print(verdict(bundle, unread, args.year))
    failed = args.year is not None and unread is None
    return 1 if failed or (bundle.rejects["severity"] == "error").any() else 0


def _unread(bundle: Bundle, year: int) -> pd.DataFrame | None:
    """What could not be read and feeds ``year`` (None when reconciling failed: the
    loader's findings above still stand, and the failure is printed, not raised)."""
    from oshakit.cases import reconcile
    from oshakit.completeness import unread
    from oshakit.errors import OshakitError

    try:
        return unread(bundle, reconcile(bundle, year=year), year)
    except OshakitError:
        raise
    except Exception as exc:  # a damaged bundle must never end in a traceback
        print(f"\nreconciling {year} failed: {type(exc).__name__}: {exc}")
        return None


def accounting_text(bundle: Bundle) -> str:
    lines = [f"Bundle {bundle.path}",
             f"  {'file':<36} {'kind':<15} {'read':>9} {'accepted':>9} {'rejected':>8} "
             f"{'cells rejected':>14}"]
    for row in bundle.accounting.itertuples(index=False):
        lines.append(f"  {row.file:<36} {row.kind:<15} {row.rows_read:>9,} {row.accepted:>9,} "
                     f"{row.rejected:>8,} {row.cells_rejected:>14,}")
    return "\n".join(lines)


def problems_text(rejects: pd.DataFrame, limit: int | None = LIMIT) -> str:
    """Every problem, by file and code, the most serious first; ``limit`` per group."""
    if not len(rejects):
        return "No problems: the loader read every row and every cell."
    sev = rejects["severity"].value_counts()
    head = (f"Problems: {sev.get('error', 0):,} error(s) (rows, cells or files that could not "
            f"be read), {sev.get('warning', 0):,} warning(s) (read by a rule you should "
            f"check), {sev.get('info', 0):,} note(s)")
    lines = [head]
    table = rejects.assign(_o=severity_order(rejects["severity"]))
    for file, in_file in table.groupby("file", sort=True):
        lines.append(f"  {file}")
        groups = in_file.groupby(["_o", "code"], sort=True)
        for (_, code), group in groups:
            severity = group["severity"].iloc[0]
            lines.append(f"    {code} ({severity}, {len(group):,})")
            shown = group if limit is None else group.head(limit)
            for r in shown.itertuples(index=False):
                lines.extend(_wrapped(r.message, "      "))
            if len(shown) < len(group):
                rest = group.iloc[len(shown):]
                first, last = rest["line"].min(), rest["line"].max()
                where = (f" (lines {first:,}-{last:,})" if pd.notna(first) and first != last
                         else "")
                lines.append(f"      ... and {len(rest):,} more{where}: --all shows them, "
                             "--rejects FILE.csv writes them")
    return "\n".join(lines)


def unread_text(unread: pd.DataFrame, year: int, limit: int | None = LIMIT) -> str:
    if not len(unread):
        return f"Nothing the loader could not read feeds the {year} log."
    lines = [f"What could not be read and feeds the {year} log ({len(unread):,}):",
             f"  {'file:line':<40} {'column':<34} {'code':<16} affects"]
    shown = unread if limit is None else unread.head(max(limit, 1) * 3)
    for r in shown.itertuples(index=False):
        where = r.file if pd.isna(r.line) else f"{r.file}:{int(r.line)}"
        lines.append(f"  {where:<40} {str(r.column or ''):<34} {r.code:<16} {r.affects}")
    if len(shown) < len(unread):
        lines.append(f"  ... and {len(unread) - len(shown):,} more: --all shows them")
    return "\n".join(lines)


def verdict(bundle: Bundle, unread: pd.DataFrame | None = None, year: int | None = None
            ) -> str:
    """One sentence: is the bundle fit to file?"""
    errors = bundle.rejects[bundle.rejects["severity"] == "error"]
    warnings = int((bundle.rejects["severity"] == "warning").sum())
    checked = (f"; {warnings:,} warning(s) above say what the loader read by a rule: check "
               "them" if warnings else "")
    if year is not None and unread is None:
        return (f"Not known to be fit to file for {year}: the bundle could not be "
                "reconciled (see above)" + checked + ".")
    if year is not None and unread is not None:
        if len(unread):
            return (f"Not fit to file for {year}: {len(unread):,} problem(s) the loader could "
                    f"not read feed the {year} log (listed above); fix the files, or file "
                    "knowingly with --accept-rejects" + checked + ".")
        if len(errors):
            return (f"Fit to file for {year} as far as the loader goes: none of its "
                    f"{len(errors):,} error(s) feeds the {year} log" + checked + ".")
        return f"Fit to file for {year} as far as the loader goes: every row was read" + (
            checked + ".")
    if len(errors):
        return (f"Not fit to file as it stands: the loader could not read {len(errors):,} "
                "row(s), cell(s) or file(s) (errors above); fix them, or run "
                "`oshakit inspect BUNDLE --year YEAR` to see which of them feed that year's "
                "log" + checked + ".")
    return ("Fit to file as far as the loader goes: every row and cell was read" + checked
            + ".")


def _wrapped(text: str, indent: str, width: int = 100, most: int = 1200) -> list[str]:
    """A message on as many lines as it needs (newlines in values shown as spaces)."""
    text = " ".join(str(text).split())
    if len(text) > most:
        text = text[: most - 1] + "…"
    return textwrap.wrap(text, width=width, initial_indent=indent,
                         subsequent_indent=indent + "  ", break_on_hyphens=False) or [indent]
