"""``oshakit forms``: OSHA Forms 300, 300A and 301 (and the privacy case list) as PDFs."""

from __future__ import annotations

import argparse
from pathlib import Path

from oshakit.cli.options import add_filing_options, add_policy_options, compute


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "forms",
        help="render OSHA Forms 300, 300A and 301 of a year as PDFs",
        description="Write DIR/<establishment>/form300.pdf and form300a.pdf (shareable: no "
        "privacy case's name) and DIR/<establishment>/confidential/form301.pdf (the "
        "employees' own reports: they hold names, home addresses, dates of birth, "
        "physicians and facilities) and, when there are privacy cases, "
        "confidential/privacy_cases.pdf and .csv. With --representative-copy, also "
        "DIR/<establishment>/form301_representative.pdf: the 301s with only the case "
        "section (items 10-18) for an authorized employee representative "
        "(29 CFR 1904.35(b)(2)(v)(B)). Refuses when rows that feed the log could not be "
        "read (see --accept-rejects).",
    )
    p.add_argument("bundle", metavar="BUNDLE", help="folder of the case bundle's CSV files")
    p.add_argument("--year", type=int, required=True, help="log year")
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="output folder")
    p.add_argument("--establishment", metavar="CODE", help="only this establishment")
    add_policy_options(p)
    add_filing_options(p)
    p.add_argument("--certifier-name", metavar="NAME", help="300A company executive")
    p.add_argument("--certifier-title", metavar="TITLE", help="their title")
    p.add_argument("--certifier-phone", metavar="PHONE", help="their phone")
    p.add_argument("--certifier-date", metavar="DATE", help="date signed")
    p.add_argument(
        "--paper",
        choices=("legal", "letter"),
        default="legal",
        help="Form 300 paper: landscape legal (default) or letter (scaled)",
    )
    p.add_argument(
        "--representative-copy",
        action="store_true",
        help="also write form301_representative.pdf: the 301s with only the case section "
        "(items 10-18), no name, address, date of birth, physician or facility, for an "
        "authorized employee representative (29 CFR 1904.35(b)(2)(v)(B))",
    )
    p.set_defaults(handler=forms_command)


def forms_command(args: argparse.Namespace) -> int:
    from oshakit.forms import render_forms

    result = compute(args, filing=True)
    certifier = {
        "name": args.certifier_name,
        "title": args.certifier_title,
        "phone": args.certifier_phone,
        "date": args.certifier_date,
    }
    written = render_forms(result, args.out, certifier=certifier, paper=args.paper,
                           representative_copy=args.representative_copy)
    log = result.log
    for code, files in written.items():
        n = int(((log["establishment_code"] == code) & (log["year"] == args.year)).sum())
        print(f"{code} {args.year}: {n:,} case(s) on the log")
        for key, path in files.items():
            note = "  (confidential: names)" if key.startswith(("form301", "privacy")) and \
                key != "form301_representative" else ""
            print(f"  {path}{note}")
    return 0
