"""The submission workflow: every establishment-year filed once, completely, resumably.

For each establishment: find it on the server (by the ledger's id, else by name) or create
it; add or edit its Form 300A; add or edit its case data when it must be sent; complete the
submission. Every round first *surveys* the server with reads only and computes the writes
still needed from what the server holds, so an interrupted run, a lost answer or a timed-out
POST never leads to a second copy: the next round sends only what is missing.

A case ITA holds is identified by (establishment, log year, case number). Its log year is
the year of its ``date_of_incident`` (:func:`oshakit.ita.client.case_year`): case numbers
restart each year, and OSHA's answers either carry no year (Get Case Data by Establishment
Id) or one whose meaning cannot be relied on. A case of another year is never edited. A case
ITA holds for the year that is no longer on the log stops that establishment (OSHA's API
cannot delete it) unless ``keep_removed_cases`` acknowledges it.

The ledger (:mod:`ledger`) records every write before and after it is sent. A year whose
data hash equals the last completed submission's sends nothing (after one authenticated
read that checks the token); changed data is edited and re-submitted with a
``change_reason``. Without the ledger, the state is derived from the server: the year's last
submission is compared with what ITA holds now (its 300A and its list of cases), so an edit
that was never re-submitted is found and re-submitted. Without a client (dry run) only the
gates run and the exact payloads are saved under ``out_dir/payloads/YEAR/``.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.errors import ITAError
from oshakit.ita import payloads as pl
from oshakit.ita.client import (
    ITAClient,
    Reply,
    ServerUnavailable,
    TokenRejected,
    UncertainWrite,
    UnexpectedAnswer,
    answer_field,
    case_outcomes,
    case_year,
    link_ids,
    link_list,
    osha_host,
    record_id,
)
from oshakit.ita.gates import GateReport, run_gates
from oshakit.ita.ledger import HeldState, Ledger, exclusive
from oshakit.ita.rules import CASE_FIELDS, FORM300A_NUMBERS, as_int
from oshakit.result import Result

MAX_ROUNDS = 6
MODES = ("dry-run", "sandbox", "live", "rehearsal")
ITA_WEB = "https://www.osha.gov/injuryreporting"
#: The 300A fields compared with a submission's record of it (``change_reason`` included:
#: the kit writes the new reason into the 300A before it edits anything else).
FORM300A_DATA = ("no_injuries_illnesses", *FORM300A_NUMBERS, "change_reason")


@dataclass
class ITAInputs:
    """What the workflow needs: the ITA frames of one year plus what the gates read.

    ``case_data_due`` (establishment code or name -> bool) says which establishments must
    send case data (OSHA's filing duty, computed elsewhere); an entry that is None is a duty
    that could not be decided (``duty_unknown`` says why): ``--case-data auto`` sends no case
    data for it and reports it (exit 1). Where it has no entry at all, ``auto`` falls back to
    100 or more employees."""

    year: int
    form300a: pd.DataFrame  # oshakit.ita.export.form300a_frame
    case_data: pd.DataFrame  # oshakit.ita.export.case_data_frame
    codes: dict[str, str] = field(default_factory=dict)  # establishment_name -> code
    checks: pd.DataFrame | None = None  # oshakit.ita.rules.ita_checks
    exceptions: pd.DataFrame | None = None  # rec.exceptions
    employees: pd.DataFrame | None = None  # bundle employees frame (names for the PII scan)
    case_pii: pd.DataFrame | None = None  # per case: employee, address, birth, providers
    case_data_due: dict[str, bool | None] | None = None  # code -> 1904.41 duty (None: unknown)
    duty_unknown: dict[str, str] = field(default_factory=dict)  # code -> why it is unknown
    not_due: dict[str, str] = field(default_factory=dict)  # code -> why no 300A is due


@dataclass
class EstablishmentOutcome:
    name: str
    code: str | None
    status: str  # dry-run | unchanged | updated | submitted | resubmitted | failed | not due
    writes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    note: str = ""


@dataclass
class SubmitResult:
    mode: str
    target: str | None
    year: int
    gates: GateReport
    payload_dir: Path
    outcomes: list[EstablishmentOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The gates passed and no establishment failed or needs a decision (errors)."""
        return self.gates.ok and all(o.status != "failed" and not o.errors
                                     for o in self.outcomes)

    def table(self) -> pd.DataFrame:
        """One row per establishment: what happened, the writes sent, errors, requests, and
        a note (why an establishment that owes nothing was not filed)."""
        return pd.DataFrame([{"establishment_name": o.name, "establishment_code": o.code,
                              "status": o.status, "writes": "; ".join(o.writes),
                              "errors": "; ".join(o.errors), "requests": o.requests,
                              "note": o.note}
                             for o in self.outcomes],
                            columns=["establishment_name", "establishment_code", "status",
                                     "writes", "errors", "requests", "note"])

    def payload_table(self) -> pd.DataFrame:
        """The saved payload files (see :func:`save_payloads`): establishment folder, file,
        objects, whether it is confidential, path."""
        from oshakit.outputs import confidential_dir

        secret = confidential_dir(self.payload_dir.parent) / self.payload_dir.name
        rows = []
        for root, confidential in ((self.payload_dir, False), (secret, True)):
            for path in sorted((root / str(self.year)).glob("*/*.json")):
                body = json.loads(path.read_text(encoding="utf-8"))
                rows.append({"folder": path.parent.name, "file": path.name,
                             "objects": len(body) if isinstance(body, list) else 1,
                             "confidential": confidential, "path": str(path)})
        columns = ["folder", "file", "objects", "confidential", "path"]
        return pd.DataFrame(rows, columns=columns).sort_values(
            ["folder", "file"], ignore_index=True)


def inputs_from_result(result: Result) -> ITAInputs:
    """What the workflow needs from a pipeline result of one year: the ITA 300A and case
    data frames, and the checks, exceptions and names the gates read."""
    from oshakit.ita.export import case_data_frame, form300a_frame
    from oshakit.ita.pii import case_facts

    year = result.year
    if year is None:
        raise ITAError("ITA submissions are for one year: compute the result for a year")
    summaries = result.summaries
    s = summaries[summaries["year"] == year]
    duty = result.duty[result.duty["year"] == year] if len(result.duty) else result.duty
    due: dict[str, bool | None] = {
        str(c): None if pd.isna(d) else bool(d)
        for c, d in zip(duty.get("establishment_code", []), duty.get("case_data_due", []),
                        strict=True)}
    unknown = {str(r["establishment_code"]): _undecided(r.get("reasons"))
               for r in duty.to_dict("records") if pd.isna(r.get("case_data_due"))}
    not_due = {str(r["establishment_code"]): f"no Form 300A is due: {r['reasons']}"
               for r in duty.to_dict("records")
               if not pd.isna(r["form300a_due"]) and not r["form300a_due"]}
    return ITAInputs(
        year=year,
        form300a=form300a_frame(summaries, year),
        case_data=case_data_frame(result.rec, summaries, year),
        codes=dict(zip(s["establishment_name"].astype("str"),
                       s["establishment_code"].astype("str"), strict=True)),
        checks=result.checks,
        exceptions=result.exceptions,
        employees=result.people,
        case_pii=case_facts(result.log[result.log["year"] == year],
                            dict(zip(s["establishment_code"].astype("str"),
                                     s["establishment_name"].astype("str"), strict=True)),
                            result.people),
        case_data_due=due,
        duty_unknown=unknown,
        not_due=not_due,
    )


def _undecided(reasons: Any) -> str:
    """The reasons of a duty row that say what could not be decided (all of them if none
    does)."""
    if not isinstance(reasons, str) or not reasons.strip():
        return "the filing duty could not be decided"
    parts = [r.strip() for r in reasons.split(";") if "cannot be decided" in r]
    return "; ".join(parts) or reasons.strip()


def target_url(mode: str, base_url: str | None = None) -> str | None:
    """The API a mode sends to: none for ``dry-run``; OSHA's preview host for ``sandbox``,
    production for ``live``; ``base_url`` for ``rehearsal``, which may not be any osha.gov
    host (read by meaning: scheme, case, ``www.``, port and path do not matter)."""
    from oshakit.ita.client import PRODUCTION_URL, SANDBOX_URL

    if mode not in MODES:
        raise ITAError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "dry-run":
        return None
    if mode == "sandbox":
        return SANDBOX_URL
    if mode == "live":
        return PRODUCTION_URL
    if not base_url:
        raise ITAError("mode 'rehearsal' needs the base URL of the rehearsal server")
    kind = osha_host(base_url)
    if kind == "production":
        raise ITAError(f"{base_url} is OSHA's production ITA: sending there needs --live "
                       "(mode 'live'), never --base-url")
    if kind == "sandbox":
        raise ITAError(f"{base_url} is OSHA's sandbox: use --sandbox (mode 'sandbox')")
    return base_url


def client_for(mode: str, base_url: str | None = None, **options: Any) -> ITAClient | None:
    """The client for a mode (:func:`target_url`). The token is read from the environment
    here."""
    from oshakit.ita.token import load_token

    url = target_url(mode, base_url)
    return None if url is None else ITAClient(url, load_token(), **options)


def run_submission(
    inputs: ITAInputs,
    out_dir: str | Path,
    *,
    mode: str = "dry-run",
    base_url: str | None = None,
    establishments: list[str] | None = None,
    change_reason: str | None = None,
    case_data_policy: str = "auto",
    keep_removed_cases: bool = False,
) -> SubmitResult:
    """:func:`submit` in one of :data:`MODES` (what the CLI and the notebook call)."""
    client = client_for(mode, base_url)
    try:
        return submit(inputs, out_dir, client=client, establishments=establishments,
                      change_reason=change_reason, case_data_policy=case_data_policy,
                      keep_removed_cases=keep_removed_cases)
    finally:
        if client is not None:
            client.close()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "establishment"


def save_payloads(plans: list[pl.EstablishmentPlan], out_dir: Path,
                  holding_pii: set[str] = frozenset()) -> Path:
    """The exact bodies, one folder per establishment, under ``out_dir/payloads/YEAR``,
    except what is confidential, under ``confidential/payloads/YEAR``: every
    ``caseData.json`` (dates of birth and hire, sex and job title of each case), and all the
    bodies of the establishments in ``holding_pii`` (the PII gate found some in their
    text)."""
    from oshakit.outputs import confidential_dir

    root = out_dir / "payloads"
    secret = confidential_dir(out_dir) / "payloads"
    for p in plans:
        slug = Path(str(p.year)) / _slug(p.code or p.name)
        for stale in (root, secret):
            shutil.rmtree(stale / slug, ignore_errors=True)
        public = secret if p.name in holding_pii else root
        files = {public / slug / "establishment.json": p.establishment,
                 public / slug / "form300A.json": p.form300a}
        if p.send_cases:
            files[secret / slug / "caseData.json"] = p.cases
        for path, body in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return root


def submit(
    inputs: ITAInputs,
    out_dir: str | Path,
    *,
    client: ITAClient | None = None,
    establishments: list[str] | None = None,
    change_reason: str | None = None,
    case_data_policy: str = "auto",
    keep_removed_cases: bool = False,
) -> SubmitResult:
    """Gate, save and (with a ``client``) send the year's filings; see the module docstring.

    ``establishments`` selects by code or name. Raises :class:`GateRefused` before sending
    anything when a gate refuses (a dry run reports the refusals instead of raising).
    ``keep_removed_cases`` acknowledges that cases ITA holds for the year but the log no
    longer has stay in ITA (the API cannot delete them); without it they stop their
    establishment.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plans = pl.plans(inputs.form300a, inputs.case_data, inputs.year, codes=inputs.codes,
                     case_data_policy=case_data_policy, case_data_due=inputs.case_data_due,
                     duty_reasons=inputs.duty_unknown)
    not_filed: list[EstablishmentOutcome] = []
    if establishments:  # asked for by name or code: filed even when nothing is due
        wanted = set(establishments)
        plans = [p for p in plans if p.name in wanted or p.code in wanted]
        missing = wanted - {p.name for p in plans} - {p.code for p in plans}
        if missing:
            raise ITAError(f"no 300A for {inputs.year} for: {', '.join(sorted(missing))}")
    else:  # 1904.41: an establishment that owes no 300A gets a note, not a filing
        not_filed = [EstablishmentOutcome(p.name, p.code, "not due", note=inputs.not_due[p.code])
                     for p in plans if p.code in inputs.not_due]
        plans = [p for p in plans if p.code not in inputs.not_due]
    gates = run_gates(plans, checks=inputs.checks, exceptions=inputs.exceptions,
                      employees=inputs.employees, case_pii=inputs.case_pii,
                      change_reason=change_reason)
    gates.write(out)
    payload_dir = save_payloads(plans, out, set(gates.pii["establishment_name"].dropna()))
    result = SubmitResult("dry-run" if client is None else "send",
                          None if client is None else client.base_url, inputs.year, gates,
                          payload_dir)
    result.outcomes = list(not_filed)
    if client is None:
        result.outcomes += [_duty_unknown(p, EstablishmentOutcome(p.name, p.code, "dry-run"))
                            for p in plans]
        return result
    gates.raise_if_refused()
    with exclusive(out):
        ledger = Ledger(out)
        client.probe()  # a wrong token stops here, even when the ledger says all is done
        for p in plans:
            before = client.requests_sent
            try:
                outcome = _Filer(client, ledger, p, change_reason, keep_removed_cases).run()
            except (TokenRejected, ServerUnavailable):
                raise  # every other establishment would fail the same way
            except ITAError as exc:  # this establishment stops here; the others go on
                outcome = EstablishmentOutcome(p.name, p.code, "failed", errors=[str(exc)])
            outcome.requests = client.requests_sent - before
            result.outcomes.append(_duty_unknown(p, outcome))
    return result


def _duty_unknown(p: pl.EstablishmentPlan, outcome: EstablishmentOutcome) -> EstablishmentOutcome:
    """An establishment whose case-data duty is unknown: no case data was sent (``auto``);
    say why, as an error (exit 1): the filing may be incomplete."""
    if p.duty_unknown:
        outcome.note = f"no case data sent: filing duty unknown ({p.duty_unknown})"
        outcome.errors.append(
            f"{p.name}: whether its case data (Forms 300 and 301) is due for {p.year} cannot "
            f"be decided ({p.duty_unknown}); with --case-data auto the kit sends none for it "
            "rather than guess. Correct the input (e.g. the NAICS code) and run again, or "
            "decide: --case-data all sends it, --case-data none confirms it is not sent")
    return outcome

@dataclass
class _Survey:
    """What the server holds for one establishment-year, read before any write."""

    establishment: dict[str, Any] | None = None
    form300a: dict[str, Any] | None = None
    form_links_known: bool = True  # the establishment's answer names its 300A links
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # this year's, by number
    cases_listed: bool = False
    listed: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # id -> number, year
    submissions: list[str] = field(default_factory=list)  # this year's, oldest first
    latest: dict[str, Any] | None = None  # the year's last submission, as the server has it
    submissions_known: bool = True
    submission_forms: list[str] = field(default_factory=list)  # 300A ids the year's link


def _when(sub: dict[str, Any], sid: str) -> tuple[float, int]:
    stamp = answer_field(sub, "time_stamp")
    try:
        t = float(stamp)
    except (TypeError, ValueError):
        t = 0.0
    return t, as_int(sid) or 0


class _Filer:
    """Files one establishment-year against one target."""

    def __init__(self, client: ITAClient, ledger: Ledger, plan: pl.EstablishmentPlan,
                 change_reason: str | None, keep_removed_cases: bool = False) -> None:
        self.c, self.ledger, self.p, self.reason = client, ledger, plan, change_reason
        self.keep_removed = keep_removed_cases
        self.target = client.base_url
        self.outcome = EstablishmentOutcome(plan.name, plan.code, "unchanged")
        self.saved: dict[tuple[str, str], str | None] = {}  # (object, key) -> hash, this run
        self.refused_as_existing: set[tuple[str, str]] = set()
        self.problem: str | None = None  # why the last submission answer is not the filing

    def _state(self) -> HeldState:
        return self.ledger.state(self.target, self.p.year, self.p.name)

    def _log(self, **kw: Any) -> dict[str, Any]:
        return {"target": self.target, "year": self.p.year, "establishment": self.p.name, **kw}

    def _vouched(self, st: HeldState) -> bool:
        """The ledger says the server holds this very data, submitted."""
        return st.submitted_fingerprint == self.p.fingerprint and not st.dirty

    def _note(self, text: str) -> None:
        if text not in self.outcome.writes:
            self.outcome.writes.append(text)

    def run(self) -> EstablishmentOutcome:
        st = self._state()
        if self._vouched(st) and not st.pending:
            self.outcome.status = "unchanged"
            return self.outcome
        for _ in range(MAX_ROUNDS):
            survey = self._survey(self._state())
            st = self._state()
            actions = self._actions(survey, st)
            if not actions:
                if not survey.submissions:
                    raise ITAError(f"{self.p.name}: nothing left to send but no submission")
                if st.submitted_fingerprint != self.p.fingerprint:
                    # the server already holds this data as submitted: remember that
                    self.ledger.found(**self._log(obj="submission", key=self.p.name,
                                                  ids=[survey.submissions[-1]],
                                                  fingerprint=self.p.fingerprint))
                return self.outcome
            try:
                if not self._execute(actions, survey):
                    self.outcome.status = "failed"
                    return self.outcome
            except UncertainWrite as exc:
                self.outcome.writes.append(f"uncertain: {exc}; asking the server")
        self.outcome.status = "failed"
        self.outcome.errors.append(f"still not complete after {MAX_ROUNDS} rounds")
        return self.outcome

    # -- reads -----------------------------------------------------------------------------

    def _survey(self, st: HeldState) -> _Survey:
        s = self._read_server(st)
        for e in st.pending:  # what the server holds is now recorded by the found lines
            obj = e.get("object")
            if obj == "submission":
                continue
            if obj == "form300A" and s.form300a is None and not s.form_links_known:
                continue  # the server's answer cannot show it: stays open (see _actions)
            self.ledger.outcome(e["entry"], "checked")
        return s

    def _unexpected(self, what: str) -> UnexpectedAnswer:
        return UnexpectedAnswer(
            f"{self.p.name}: {what}; the kit cannot tell what ITA holds for {self.p.year}, so "
            f"it sends nothing more for this establishment. Check it in the ITA web "
            f"application ({ITA_WEB}) and report the answer's shape to the kit's maintainers")

    def _read_server(self, st: HeldState) -> _Survey:
        s = _Survey()
        p = self.p
        est = self.c.get_establishment(st.establishment_id) if st.establishment_id else None
        if est is None:
            name = p.name.strip().casefold()
            est = next((e for e in self.c.list_establishments()
                        if str(answer_field(e, "establishment_name", "")).strip().casefold()
                        == name), None)
            if est is None:
                return s
            if record_id(est) is None:
                raise self._unexpected("ITA listed the establishment without an id")
            self.ledger.found(**self._log(obj="establishment", key=p.name, ids=[record_id(est)],
                                          payload_hash=None))
        eid = record_id(est)
        if eid is None:
            raise self._unexpected("ITA's answer for the establishment has no id")
        s.establishment = {**est, "id": eid}
        self._read_submissions(s, st, est)
        self._read_form300a(s, st, est)
        if p.send_cases or st.cases:
            self._read_cases(s, st, eid)
        if s.latest is not None and answer_field(s.latest, "caseData") and not s.cases_listed:
            self._read_cases(s, st, eid)
        self._check_latest(s)
        return s

    def _check_latest(self, s: _Survey) -> None:
        """The year's last submission must not cover a case ITA lists for another year (or
        for no known year): the kit cannot call such a submission this year's filing."""
        if s.latest is None:
            return
        held = answer_field(s.latest, "caseData")
        ids = link_list(held) if held is not None else []
        other = [i for i in ids if i in s.listed and s.listed[i][1] != self.p.year]
        if other:
            raise ITAError(self._coverage_message(s.submissions[-1], other, [], s.listed))

    def _coverage_message(self, sid: str | None, extra: list[str], missing: list[str],
                          listed: dict[str, tuple[str, int | None]],
                          absent: list[str] = ()) -> str:
        p = self.p

        def name(i: str) -> str:
            if i not in listed:
                return f"id {i} (not in ITA's list of the establishment's cases)"
            number, year = listed[i]
            return f"{number} of {year if year is not None else 'no known year'} (id {i})"

        parts = []
        if extra:
            parts.append("it also covers case(s) " + ", ".join(name(i) for i in extra))
        if missing:
            parts.append(f"it lacks {p.year} case(s) " + ", ".join(name(i) for i in missing))
        if absent:
            parts.append(f"ITA does not list {p.year} case(s) {', '.join(absent)} of the log")
        return (
            f"{p.name}: ITA's submission {sid or '(no id)'} for {p.year} does not cover "
            f"exactly the {p.year} cases: {'; '.join(parts)}. OSHA's documents say a "
            "submission covers all the case data submitted for the establishment, so the kit "
            f"does not count this as the {p.year} filing. Check the submission in the ITA web "
            f"application ({ITA_WEB}) and correct it there (or ask OSHA's ITA help desk which "
            "cases it covers); the kit sends nothing more for this establishment")

    def _verify_submission(self, reply: Reply, eid: str) -> str | None:
        """None when the Complete Submission answer covers exactly this year's cases (as ITA
        lists them now, and as this run and the ledger recorded them), else why not."""
        p = self.p
        try:
            result = reply.results[0] if reply.results else {}
            held = answer_field(result, "caseData")
            ids = list(dict.fromkeys(link_list(held))) if held is not None else []
            listed: dict[str, tuple[str, int | None]] = {}
            for case in self.c.case_data_for_establishment(eid):
                number, cid = answer_field(case, "case_number"), record_id(case)
                if number is None or cid is None:
                    raise self._unexpected("ITA listed a case without its case_number or id")
                listed[cid] = (str(number).strip(), case_year(case))
        except ITAError as exc:
            return f"{p.name}: the cases of the submission could not be checked: {exc}"
        for number, (cid, _h) in self._state().cases.items():
            if cid not in listed and cid in ids:  # the ledger's case of the year, not listed
                listed[cid] = (number, p.year)
        expected = [i for i, (_n, y) in listed.items() if y == p.year]
        extra = [i for i in ids if i not in expected]
        missing = [i for i in expected if i not in ids]
        numbers = {n for i, (n, y) in listed.items() if y == p.year}
        absent = [c["case_number"] for c in p.cases
                  if p.send_cases and c["case_number"] not in numbers]
        if not (extra or missing or absent):
            return None
        return self._coverage_message(record_id(result), extra, missing, listed, absent)

    def _read_form300a(self, s: _Survey, st: HeldState, est: dict[str, Any]) -> None:
        linked = link_ids(est, "form300A")
        s.form_links_known = linked is not None
        form_ids = list(dict.fromkeys(([st.form300a_id] if st.form300a_id else [])
                                      + (linked or []) + s.submission_forms))
        for fid in form_ids:
            form = self.c.get_form300a(fid)
            if form is None:
                continue
            year = as_int(answer_field(form, "year_filing_for"))
            if year is None:
                raise self._unexpected(f"ITA's Form 300A {fid} carries no year_filing_for")
            if year == self.p.year:
                s.form300a = {**form, "id": record_id(form) or fid}
                if fid != st.form300a_id:
                    self.ledger.found(**self._log(obj="form300A", key=self.p.name, ids=[fid]))
                return

    def _read_cases(self, s: _Survey, st: HeldState, eid: str) -> None:
        p = self.p
        s.cases_listed = True
        unknown_year: list[str] = []
        for case in self.c.case_data_for_establishment(eid):
            number, cid = answer_field(case, "case_number"), record_id(case)
            if number is None or cid is None:
                raise self._unexpected("ITA listed a case without its case_number or id")
            number = str(number).strip()
            year = case_year(case)
            s.listed[cid] = (number, year)
            if year is None:
                unknown_year.append(number)
                continue
            if year != p.year:
                continue  # another year's case: the same number may be reused; never touched
            if number in s.cases:
                raise ITAError(
                    f"{p.name}: ITA holds two cases numbered {number} for {p.year} (ids "
                    f"{record_id(s.cases[number])} and {cid}); remove the extra one in the ITA "
                    f"web application ({ITA_WEB}), then run again")
            s.cases[number] = {**case, "id": cid}
            if st.cases.get(number, (None,))[0] != cid:
                self.ledger.found(**self._log(obj="caseData", key=number, ids=[cid]))
        for number, (cid, _h) in st.cases.items():  # recorded but not listed: ask by id
            if number not in s.cases:
                case = self.c.get_case_data(cid)
                if case is not None and str(answer_field(case, "case_number", "")).strip() \
                        == number and case_year(case) == p.year:
                    s.cases[number] = {**case, "id": record_id(case) or cid}
        ours = {c["case_number"] for c in p.cases} | set(st.cases)
        clash = sorted(set(unknown_year) & ours)
        if clash:
            raise self._unexpected(f"ITA holds case(s) {', '.join(clash)} with no usable "
                                   "date_of_incident or year")
        if unknown_year:
            self._note(f"ITA holds case(s) {', '.join(sorted(unknown_year))} of no known year "
                       "(not touched)")

    def _read_submissions(self, s: _Survey, st: HeldState, est: dict[str, Any]) -> None:
        p = self.p
        linked = link_ids(est, "submissions")
        s.submissions_known = linked is not None
        known = [x["id"] for x in st.submissions]
        found: list[tuple[tuple[float, int], str, dict[str, Any]]] = []
        for sid in dict.fromkeys(known + (linked or [])):
            sub = self.c.get_submission(sid)
            if sub is None:
                continue
            year = as_int(answer_field(sub, "year_filing_for"))
            if year is None:
                raise self._unexpected(f"ITA's submission {sid} carries no year_filing_for")
            if year == p.year:
                found.append((_when(sub, sid), sid, sub))
        found.sort(key=lambda x: x[0])
        for _, _sid, sub in reversed(found):  # the seed's sample: links.form300A
            form_link = answer_field(answer_field(sub, "links"), "form300A")
            if form_link is not None:
                s.submission_forms += [i for i in link_list(form_link)
                                       if i not in s.submission_forms]
        s.submissions = [sid for _, sid, _ in found]
        s.latest = found[-1][2] if found else None
        pending_sub = [e for e in st.pending if e.get("object") == "submission"]
        for sid in s.submissions:
            if sid in known:
                continue
            # a submission we sent whose answer was lost: it carries that send's fingerprint
            mine = next((e for e in pending_sub if sid not in e.get("known_submissions", [])),
                        None)
            self.ledger.found(**self._log(obj="submission", key=p.name, ids=[sid],
                                          fingerprint=mine.get("fingerprint") if mine else None,
                                          resolves=mine["entry"] if mine else None))
            if mine:
                self.ledger.outcome(mine["entry"], "done", ids=[sid])
                pending_sub.remove(mine)
        if s.submissions_known:
            for e in pending_sub:  # sent, but the server holds no new submission: not saved
                self.ledger.outcome(e["entry"], "failed", errors=["not found on the server"])

    # -- decisions -------------------------------------------------------------------------

    def _missing(self, obj: str, key: str) -> bool:
        """True when the object must be created; an error when this run already created it
        (or the server refused it as existing) and the server does not show it: creating it
        again could make a second copy."""
        if (obj, key) in self.saved or (obj, key) in self.refused_as_existing:
            raise ITAError(f"{self.p.name}: {obj} {key} was saved (or said to exist) but the "
                           "server's answers do not show it; stopping rather than risk a "
                           "second copy")
        return True

    def _changed(self, obj: str, key: str, desired: dict[str, Any], held: dict[str, Any],
                 ignore: tuple[str, ...] = (), fields: tuple[str, ...] = ()) -> bool:
        """True when the server's copy differs and this run has not already sent this edit
        (a server that rewrites a value must not make the run edit it again and again)."""
        diff = [f for f in pl.differences(desired, held, fields) if f not in ignore]
        if not diff:
            return False
        if self.saved.get((obj, key)) == pl.payload_hash(desired):
            self._note(f"{obj} {key}: the server shows {', '.join(diff)} differently after "
                       "the edit")
            return False
        return True

    def _stale(self, s: _Survey) -> bool:
        """The year's last submission is older than what ITA holds now: its 300A differs
        from the current one, or its cases are not the year's cases (an edit made after it,
        never re-submitted)."""
        if s.latest is None or s.form300a is None:
            return False
        form = answer_field(s.latest, "form300A")
        if not isinstance(form, dict):
            raise self._unexpected(f"ITA's submission {s.submissions[-1]} has no form300A")
        if any(not pl.same_value(f, answer_field(form, f), answer_field(s.form300a, f))
               for f in FORM300A_DATA):
            return True
        if s.cases_listed:
            sent = answer_field(s.latest, "caseData")
            ids = set(link_list(sent)) if sent is not None else set()
            if ids != {str(c["id"]) for c in s.cases.values()}:
                return True
        return False

    def _removed(self, s: _Survey) -> None:
        p = self.p
        removed = sorted(set(s.cases) - {c["case_number"] for c in p.cases})
        if not removed:
            return
        listed = ", ".join(removed)
        if self.keep_removed:
            self._note(f"kept in ITA though no longer on the log (acknowledged): {listed}")
            return
        raise ITAError(
            f"{p.name}: case(s) {listed} are in ITA for {p.year} but no longer on the log, "
            "and a submission covers every case ITA holds for the establishment. OSHA's API "
            "cannot delete case data: delete or correct these cases in the ITA web "
            f"application ({ITA_WEB}), then run again; if they must stay, run again with "
            "--keep-removed-cases. Nothing was sent for this establishment.")

    def _cleared(self, s: _Survey) -> None:
        """A field cleared in the log that ITA still holds stops the establishment: OSHA
        documents no way to clear a field (an edit changes only the fields it sends), and
        sending the rest would leave ITA's case saying what the log no longer says."""
        p = self.p
        found = [(c["case_number"], pl.cleared(c, s.cases[c["case_number"]]))
                 for c in p.cases if c["case_number"] in s.cases]
        found = [(n, fs) for n, fs in found if fs]
        if not found:
            return
        listed = "; ".join(f"case {n}: {', '.join(fs)}" for n, fs in found)
        raise ITAError(
            f"{p.name}: field(s) empty on the log but still set in ITA for {p.year} "
            f"({listed}). OSHA's API documents no way to clear a field (an edit changes only "
            "the fields it sends), so the kit would leave ITA's old value in place. Clear "
            f"these fields in the ITA web application ({ITA_WEB}), then run again. Nothing "
            "was sent for this establishment.")

    def _actions(self, s: _Survey, st: HeldState) -> list[tuple[str, str, Any]]:
        p = self.p
        if s.establishment is None:
            self._missing("establishment", p.name)
            return [("create", "establishment", p.establishment)]
        eid = str(s.establishment["id"])
        if p.send_cases:
            self._removed(s)
            self._cleared(s)
        acts: list[tuple[str, str, Any]] = []
        if self._changed("establishment", p.name, p.establishment, s.establishment):
            acts.append(("edit", "establishment", p.establishment))
        year_acts: list[tuple[str, str, Any]] = []
        if p.send_cases:
            missing = [c for c in p.cases if c["case_number"] not in s.cases
                       and self._missing("caseData", c["case_number"])]
            if missing:
                year_acts.append(("create", "caseData",
                                  [{**c, "establishment": pl.establishment_ref(p.name, eid)}
                                   for c in missing]))
            for c in p.cases:
                held = s.cases.get(c["case_number"])
                if held is not None and self._changed("caseData", c["case_number"], c, held,
                                                      fields=CASE_FIELDS):
                    year_acts.append(("edit", "caseData", (str(held["id"]), c)))
        existed = ("establishment", p.name) not in self.saved  # before this run created it
        if s.form300a is None:  # to be created: first make sure that is safe
            if not s.form_links_known and (
                    existed or ("form300A", p.name) in self.saved
                    or any(e.get("object") == "form300A" for e in st.pending)):
                raise self._unexpected(
                    "ITA's answer for the establishment links its 300As under no name the "
                    "kit knows, and a Form 300A for the year may already exist (the "
                    "establishment existed before this run, or a 300A was sent)")
            self._missing("form300A", p.name)
        form = pl.form300a_body(self._row300a(None), eid)
        form_changed = s.form300a is not None and self._changed("form300A", p.name, form,
                                                                 s.form300a)
        resubmit = bool(s.submissions) and (
            bool(year_acts) or form_changed or s.form300a is None or st.dirty
            or (not self._vouched(st) and self._stale(s)))
        if resubmit:
            self._check_reason(s)
            form = pl.form300a_body(self._row300a(self.reason), eid)
            form_changed = s.form300a is not None and self._changed("form300A", p.name, form,
                                                                     s.form300a)
        if s.form300a is None:
            acts.append(("create", "form300A", form))
        elif form_changed:
            acts.append(("edit", "form300A", form))
        acts += year_acts
        if resubmit or not s.submissions:
            if not s.submissions_known and (
                    existed or any(e.get("object") == "submission" for e in st.pending)):
                raise self._unexpected(
                    "ITA's answer for the establishment links its submissions under no name "
                    "the kit knows, and the year may already be submitted (the establishment "
                    "existed before this run, or a submission was sent)")
            acts.append(("complete", "submission", s.submissions))
        return acts

    def _check_reason(self, s: _Survey) -> None:
        p = self.p
        if not self.reason:
            raise ITAError(
                f"{p.name}: {p.year} was already submitted (submission "
                f"{', '.join(s.submissions)}) and the data ITA holds or the kit would send "
                "changed since; give a change reason (--change-reason) to edit and re-submit")
        last = answer_field(answer_field(s.latest, "form300A"), "change_reason")
        if last is not None and str(last).strip() == self.reason.strip():
            raise ITAError(
                f"{p.name}: the change reason {self.reason!r} is already the reason of "
                f"submission {s.submissions[-1]}; give one that describes this change (the "
                "kit writes it into the 300A first, which is how an interrupted "
                "re-submission is recognised)")

    def _row300a(self, reason: str | None) -> dict[str, Any]:
        """The 300A body's fields as a frame row again, with a change reason."""
        return {**self.p.form300a, "establishment_name": self.p.name, "change_reason": reason}

    # -- writes ----------------------------------------------------------------------------

    def _send(self, action: str, obj: str, key: str, method: str, endpoint: str,
              body: Any, call, verify=None, **extra: Any) -> Reply:
        h = pl.payload_hash(body) if isinstance(body, dict) else pl.payload_hash(
            [pl.content(b) for b in body])
        sent = self.ledger.sent(**self._log(obj=obj, key=key, action=action, method=method,
                                            endpoint=endpoint, payload_hash=h, **extra))
        try:
            reply = call()
        except UncertainWrite:
            self.ledger.outcome(sent, "uncertain", errors=["answer lost; will ask the server"])
            raise
        except ServerUnavailable as exc:  # an edit may have been saved; a refused POST not
            phase = "uncertain" if method in ("PUT", "PATCH") else "failed"
            self.ledger.outcome(sent, phase, errors=[str(exc)])
            raise
        except UnexpectedAnswer as exc:  # an answer came, but what did it save?
            self.ledger.outcome(sent, "uncertain", errors=[str(exc)])
            raise
        except ITAError as exc:
            self.ledger.outcome(sent, "failed", errors=[str(exc)])
            raise
        if obj == "caseData" and action == "create":
            self._case_items(sent, body, reply)
        else:
            if reply.ok and method == "POST" and not reply.ids:
                self.ledger.outcome(sent, "uncertain", http_status=reply.status,
                                    errors=["the answer names no id"])
                raise self._unexpected(f"ITA saved the {obj} but its answer names no id")
            if reply.ok and obj != "submission":
                self.saved[(obj, key)] = h
                if self.outcome.status == "unchanged":
                    self.outcome.status = "updated"
            self.problem = verify(reply) if reply.ok and verify is not None else None
            self.ledger.outcome(sent, "done" if reply.ok else "failed", http_status=reply.status,
                                ids=reply.ids if reply.ok else [],
                                errors=[] if reply.ok else [reply.error_text()],
                                unverified=self.problem is not None)
            if not reply.ok and _exists(reply) and action == "create":
                self.refused_as_existing.add((obj, key))
        label = f"{action} {obj}" + (f" {key}" if obj == "caseData" else "")
        self.outcome.writes.append(label if reply.ok else f"{label}: {reply.error_text()}")
        return reply

    def _case_items(self, sent: str, bodies: list[dict[str, Any]], reply: Reply) -> None:
        items, unknown = [], []
        for body, o in zip(bodies, case_outcomes(reply, bodies), strict=True):
            if o.ok:
                self.saved[("caseData", o.case_number)] = pl.payload_hash(body)
                self.outcome.status = "updated"
            elif o.unknown:
                unknown.append(o.case_number)
                self.saved[("caseData", o.case_number)] = pl.payload_hash(body)
            elif any("already exist" in e for e in o.errors):
                self.refused_as_existing.add(("caseData", o.case_number))
            phase = "done" if o.ok else ("uncertain" if o.unknown else "failed")
            items.append({"phase": phase, "key": o.case_number,
                          "ids": [o.id] if o.id else [], "errors": o.errors,
                          "payload_hash": pl.payload_hash(body)})
        whole = "uncertain" if unknown else ("done" if reply.ok else "failed")
        self.ledger.items(sent, items, whole, http_status=reply.status,
                          errors=[] if reply.ok else [reply.error_text()])
        if unknown:
            raise self._unexpected(f"ITA saved case(s) {', '.join(unknown)} but its answer "
                                   "names no id for them")

    def _execute(self, actions: list[tuple[str, str, Any]], s: _Survey) -> bool:
        """Send the writes in order; False when the server refused one (outcome failed)."""
        p = self.p
        for action, obj, arg in actions:
            if obj == "establishment" and action == "create":
                reply = self._send(action, obj, p.name, "POST", "/establishments", arg,
                                   lambda a=arg: self.c.create_establishment(a))
                if not reply.ok and not _exists(reply):
                    return self._fail(reply)
                return True  # re-survey: the next writes need the establishment's id
            eid = str(s.establishment["id"])
            if obj == "establishment":
                reply = self._send(action, obj, p.name, "PUT", f"/establishments/{eid}", arg,
                                   lambda a=arg, e=eid: self.c.edit_establishment(e, a))
            elif obj == "form300A" and action == "create":
                reply = self._send(action, obj, p.name, "POST", "/forms/form300A", arg,
                                   lambda a=arg: self.c.add_form300a(a))
            elif obj == "form300A":
                fid = str(s.form300a["id"])
                reply = self._send(action, obj, p.name, "PATCH", f"/forms/form300A/{fid}", arg,
                                   lambda a=arg, f=fid: self.c.edit_form300a(f, a))
            elif obj == "caseData" and action == "create":
                reply = self._send(action, obj, f"{len(arg)} cases", "POST", "/forms/caseData",
                                   arg, lambda a=arg: self.c.add_case_data(a))
            elif obj == "caseData":
                cid, body = arg
                edit = pl.content(body)
                reply = self._send(action, obj, body["case_number"], "PATCH",
                                   f"/forms/caseData/{cid}", edit,
                                   lambda c=cid, b=edit: self.c.edit_case_data(c, b))
            else:
                reason = self.reason if s.submissions else None
                reply = self._send(
                    action, obj, p.name, "POST", "/submissions",
                    {"establishment_id": eid, "year_filing_for": p.year,
                     "change_reason": reason},
                    lambda r=reason, e=eid: self.c.complete_submission(e, p.year, r),
                    verify=lambda r, e=eid: self._verify_submission(r, e),
                    fingerprint=p.fingerprint, known_submissions=list(arg))
                if reply.ok and self.problem is not None:
                    self.outcome.errors.append(self.problem)
                    return False  # saved, but not as this year's filing: never "submitted"
                if reply.ok:
                    self.outcome.status = "resubmitted" if arg else "submitted"
            if not reply.ok:
                if _exists(reply):
                    return True  # someone (a lost answer) saved it: re-survey
                return self._fail(reply)
        return True

    def _fail(self, reply: Reply) -> bool:
        self.outcome.errors.append(f"{reply.method} {reply.path}: {reply.error_text()}")
        return False


def _exists(reply: Reply) -> bool:
    return any("already exist" in str(e) for e in reply.errors)
