"""``oshakit ita submit`` and ``oshakit ita status``: send the year's ITA filings, safely."""

from __future__ import annotations

import argparse

from oshakit.cli.options import add_filing_options, add_policy_options, compute
from oshakit.errors import GateRefused

DEFAULT_OUT = "oshakit-out/ita"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ita", help="submit to OSHA's Injury Tracking Application (ITA) API",
        description="Submit Form 300A and case data to OSHA's ITA API: gated, recorded in a "
                    "ledger, resumable, never twice. The API token comes from the environment "
                    "(OSHAKIT_ITA_TOKEN or OSHAKIT_ITA_TOKEN_FILE), never from an argument.")
    sub = p.add_subparsers(dest="ita_command", metavar="ACTION")
    sub.required = True

    s = sub.add_parser("submit", help="gate, save and send the year's filings",
                       description="Dry run (nothing sent) unless --sandbox, --live or "
                                   "--base-url is given.")
    s.add_argument("bundle", help="case bundle folder")
    s.add_argument("--year", type=int, required=True, help="year filed for (calendar year)")
    s.add_argument("--establishment", action="append", metavar="CODE",
                   help="only this establishment (code or name); repeatable")
    target = s.add_mutually_exclusive_group()
    target.add_argument("--sandbox", action="store_true",
                        help="send to OSHA's sandbox (preview.osha.gov)")
    target.add_argument("--live", action="store_true",
                        help="send to OSHA's production ITA (a real filing)")
    target.add_argument("--base-url", metavar="URL",
                        help="send to this API (e.g. the rehearsal server of "
                             "python -m oshakit.ita.fake_server); never an osha.gov host")
    s.add_argument("--dry-run", action="store_true",
                   help="save the exact payloads and send nothing (the default)")
    s.add_argument("--change-reason", metavar="TEXT",
                   help="why already-submitted data changed (required to re-submit)")
    s.add_argument("--case-data", choices=("auto", "all", "none"), default="auto",
                   help="send case data (Forms 300/301) for establishments of 100+ employees "
                        "(auto, default), for all, or none")
    s.add_argument("--keep-removed-cases", action="store_true",
                   help="acknowledge that cases ITA holds for the year but no longer on the log "
                        "stay in ITA (OSHA's API cannot delete them); without it they stop "
                        "their establishment (exit 1) with what to do")
    s.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    add_policy_options(s)
    add_filing_options(s)
    s.set_defaults(handler=_submit)

    st = sub.add_parser("status", help="what the ledger says each target holds")
    st.add_argument("--year", type=int, required=True)
    st.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    st.set_defaults(handler=_status)


def _mode(args: argparse.Namespace) -> str:
    if args.dry_run:
        return "dry-run"
    if args.live:
        return "live"
    if args.sandbox:
        return "sandbox"
    return "rehearsal" if args.base_url else "dry-run"


def _submit(args: argparse.Namespace) -> int:
    import pandas as pd

    from oshakit.ita import submit as sm
    from oshakit.outputs import stamp

    mode = _mode(args)
    probe = sm.client_for(mode, args.base_url)  # a missing token fails before any work
    if probe is not None:
        probe.close()
    computed = compute(args, filing=True)
    # the folder says which computation its gates and payloads come from, and, when the
    # user accepted an incomplete bundle, that it was one
    stamp(args.out, computed)
    inputs = sm.inputs_from_result(computed)
    try:
        result = sm.run_submission(inputs, args.out, mode=mode, base_url=args.base_url,
                                   establishments=args.establishment,
                                   change_reason=args.change_reason,
                                   case_data_policy=args.case_data,
                                   keep_removed_cases=args.keep_removed_cases)
    except GateRefused as exc:
        print(exc)
        print(f"nothing was sent; the gates and the PII report are in {args.out}")
        return 1
    with pd.option_context("display.max_colwidth", 80, "display.width", 200):
        print(result.gates.table().to_string(index=False))
        print(result.table().to_string(index=False))
    where = "dry run: nothing sent" if mode == "dry-run" else f"sent to {result.target}"
    print(f"{where}; payloads in {result.payload_dir}")
    return 0 if result.ok else 1


def _status(args: argparse.Namespace) -> int:
    import pandas as pd

    from oshakit.ita.status import status

    table = status(args.out, args.year)
    if table.empty:
        print(f"no ITA request recorded for {args.year} in {args.out}")
        return 0
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False))
    return 0
