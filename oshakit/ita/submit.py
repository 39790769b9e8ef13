"""The submission workflow: every establishment-year filed once, completely, resumably.

For each establishment: find it on the server (by the ledger's id, else by name) or create
it; add or edit its Form 300A; add or edit its case data when it must be sent; complete the
submission. Every round first *surveys* the server with reads only and computes the writes
still needed from what the server holds, so an interrupted run, a lost answer or a timed-out
POST never leads to a second copy: the next round sends only what is missing.

The ledger (:mod:`ledger`) records every write before and after it is sent. A year whose
data hash equals the last completed submission's sends nothing; changed data is edited and
re-submitted with a ``change_reason``. Without a client (dry run) only the gates run and the
exact payloads are saved under ``out_dir/payloads/YEAR/``.
"""

from __future__ import annotations

import json
import re
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
    case_outcomes,
)
from oshakit.ita.gates import GateReport, run_gates
from oshakit.ita.ledger import HeldState, Ledger, exclusive
from oshakit.result import Result

MAX_ROUNDS = 6
MODES = ("dry-run", "sandbox", "live", "rehearsal")


@dataclass
class ITAInputs:
    """What the workflow needs: the ITA frames of one year plus what the gates read."""

    year: int
    form300a: pd.DataFrame  # oshakit.ita.export.form300a_frame
    case_data: pd.DataFrame  # oshakit.ita.export.case_data_frame
    codes: dict[str, str] = field(default_factory=dict)  # establishment_name -> code
    checks: pd.DataFrame | None = None  # oshakit.summary.ita_checks
    exceptions: pd.DataFrame | None = None  # rec.exceptions
    employees: pd.DataFrame | None = None  # bundle employees frame (names for the PII scan)
    case_pii: pd.DataFrame | None = None  # per case: employee, address, birth, providers


@dataclass
class EstablishmentOutcome:
    name: str
    code: str | None
    status: str  # dry-run | unchanged | updated | submitted | resubmitted | failed
    writes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0


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
        return self.gates.ok and all(o.status != "failed" for o in self.outcomes)

    def table(self) -> pd.DataFrame:
        """One row per establishment: what happened, the writes sent, errors, requests."""
        return pd.DataFrame([{"establishment_name": o.name, "establishment_code": o.code,
                              "status": o.status, "writes": "; ".join(o.writes),
                              "errors": "; ".join(o.errors), "requests": o.requests}
                             for o in self.outcomes],
                            columns=["establishment_name", "establishment_code", "status",
                                     "writes", "errors", "requests"])

    def payload_table(self) -> pd.DataFrame:
        """The saved payload files: establishment folder, file, objects, path."""
        rows = []
        for path in sorted((self.payload_dir / str(self.year)).glob("*/*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            rows.append({"folder": path.parent.name, "file": path.name,
                         "objects": len(body) if isinstance(body, list) else 1,
                         "path": str(path)})
        return pd.DataFrame(rows, columns=["folder", "file", "objects", "path"])


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
    )


def client_for(mode: str, base_url: str | None = None, **options: Any) -> ITAClient | None:
    """The client for a mode: none for ``dry-run``; OSHA's sandbox or production; or the
    rehearsal server at ``base_url``. The token is read from the environment here."""
    from oshakit.ita.client import PRODUCTION_URL, SANDBOX_URL
    from oshakit.ita.token import load_token

    if mode not in MODES:
        raise ITAError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "dry-run":
        return None
    if mode == "rehearsal":
        if not base_url:
            raise ITAError("mode 'rehearsal' needs the base URL of the rehearsal server")
        if base_url.rstrip("/") == PRODUCTION_URL:
            raise ITAError("sending to OSHA's production ITA needs --live (mode 'live')")
        url = base_url
    else:
        url = SANDBOX_URL if mode == "sandbox" else PRODUCTION_URL
    return ITAClient(url, load_token(), **options)


def run_submission(
    inputs: ITAInputs,
    out_dir: str | Path,
    *,
    mode: str = "dry-run",
    base_url: str | None = None,
    establishments: list[str] | None = None,
    change_reason: str | None = None,
    case_data_policy: str = "auto",
) -> SubmitResult:
    """:func:`submit` in one of :data:`MODES` (what the CLI and the notebook call)."""
    client = client_for(mode, base_url)
    try:
        return submit(inputs, out_dir, client=client, establishments=establishments,
                      change_reason=change_reason, case_data_policy=case_data_policy)
    finally:
        if client is not None:
            client.close()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "establishment"


def save_payloads(plans: list[pl.EstablishmentPlan], out_dir: Path) -> Path:
    """The exact bodies, one folder per establishment, under ``out_dir/payloads/YEAR``."""
    root = out_dir / "payloads"
    for p in plans:
        d = root / str(p.year) / _slug(p.code or p.name)
        d.mkdir(parents=True, exist_ok=True)
        files = {"establishment.json": p.establishment, "form300A.json": p.form300a}
        if p.send_cases:
            files["caseData.json"] = p.cases
        else:
            (d / "caseData.json").unlink(missing_ok=True)
        for fname, body in files.items():
            (d / fname).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return root


def submit(
    inputs: ITAInputs,
    out_dir: str | Path,
    *,
    client: ITAClient | None = None,
    establishments: list[str] | None = None,
    change_reason: str | None = None,
    case_data_policy: str = "auto",
) -> SubmitResult:
    """Gate, save and (with a ``client``) send the year's filings; see the module docstring.

    ``establishments`` selects by code or name. Raises :class:`GateRefused` before sending
    anything when a gate refuses (a dry run reports the refusals instead of raising).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plans = pl.plans(inputs.form300a, inputs.case_data, inputs.year, codes=inputs.codes,
                     case_data_policy=case_data_policy)
    if establishments:
        wanted = set(establishments)
        plans = [p for p in plans if p.name in wanted or p.code in wanted]
        missing = wanted - {p.name for p in plans} - {p.code for p in plans}
        if missing:
            raise ITAError(f"no 300A for {inputs.year} for: {', '.join(sorted(missing))}")
    gates = run_gates(plans, checks=inputs.checks, exceptions=inputs.exceptions,
                      employees=inputs.employees, case_pii=inputs.case_pii)
    gates.write(out)
    payload_dir = save_payloads(plans, out)
    result = SubmitResult("dry-run" if client is None else "send",
                          None if client is None else client.base_url, inputs.year, gates,
                          payload_dir)
    if client is None:
        result.outcomes = [EstablishmentOutcome(p.name, p.code, "dry-run") for p in plans]
        return result
    gates.raise_if_refused()
    with exclusive(out):
        ledger = Ledger(out)
        for p in plans:
            before = client.requests_sent
            try:
                outcome = _Filer(client, ledger, p, change_reason).run()
            except (TokenRejected, ServerUnavailable):
                raise  # every other establishment would fail the same way
            except ITAError as exc:  # this establishment stops here; the others go on
                outcome = EstablishmentOutcome(p.name, p.code, "failed", errors=[str(exc)])
            outcome.requests = client.requests_sent - before
            result.outcomes.append(outcome)
    return result


@dataclass
class _Survey:
    establishment: dict[str, Any] | None = None
    form300a: dict[str, Any] | None = None
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    submissions: list[str] = field(default_factory=list)


def _ids(links: Any) -> list[str]:
    if isinstance(links, str):
        links = [links]
    return [str(x).rstrip("/").rsplit("/", 1)[-1] for x in links or []]


class _Filer:
    """Files one establishment-year against one target."""

    def __init__(self, client: ITAClient, ledger: Ledger, plan: pl.EstablishmentPlan,
                 change_reason: str | None) -> None:
        self.c, self.ledger, self.p, self.reason = client, ledger, plan, change_reason
        self.target = client.base_url
        self.outcome = EstablishmentOutcome(plan.name, plan.code, "unchanged")
        self.saved: dict[tuple[str, str], str | None] = {}  # (object, key) -> hash, this run

    def _state(self) -> HeldState:
        return self.ledger.state(self.target, self.p.year, self.p.name)

    def _log(self, **kw: Any) -> dict[str, Any]:
        return {"target": self.target, "year": self.p.year, "establishment": self.p.name, **kw}

    def run(self) -> EstablishmentOutcome:
        st = self._state()
        if st.submitted_fingerprint == self.p.fingerprint and not st.dirty and not st.pending:
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
            if e.get("object") != "submission":
                self.ledger.outcome(e["entry"], "checked")
        return s

    def _read_server(self, st: HeldState) -> _Survey:
        s = _Survey()
        p, year = self.p, str(self.p.year)
        est = self.c.get_establishment(st.establishment_id) if st.establishment_id else None
        if est is None:
            name = p.name.strip().casefold()
            est = next((e for e in self.c.list_establishments()
                        if str(e.get("establishment_name", "")).strip().casefold() == name), None)
            if est is None:
                return s
            self.ledger.found(**self._log(obj="establishment", key=p.name, ids=[str(est["id"])],
                                          payload_hash=None))
        s.establishment = est
        eid = str(est["id"])
        links = est.get("links") or {}
        form_ids = list(dict.fromkeys(
            ([st.form300a_id] if st.form300a_id else []) + _ids(links.get("form300A"))))
        for fid in form_ids:
            form = self.c.get_form300a(fid)
            if form is not None and str(form.get("year_filing_for")) == year:
                s.form300a = form
                if fid != st.form300a_id:
                    self.ledger.found(**self._log(obj="form300A", key=p.name, ids=[fid]))
                break
        if p.send_cases or st.cases:
            for case in self.c.case_data_for_establishment(eid):
                if str(case.get("year_filing_for", year)) == year:
                    number = str(case.get("case_number"))
                    s.cases[number] = case
                    if st.cases.get(number, (None,))[0] != str(case["id"]):
                        self.ledger.found(**self._log(obj="caseData", key=number,
                                                      ids=[str(case["id"])]))
            for number, (cid, _h) in st.cases.items():  # recorded but not listed: ask by id
                if number not in s.cases:
                    case = self.c.get_case_data(cid)
                    if case is not None and str(case.get("case_number")) == number:
                        s.cases[number] = case
        # submissions the ledger recorded, plus any new one the establishment links to
        s.submissions = [x["id"] for x in st.submissions]
        known = set(s.submissions)
        pending_sub = [e for e in st.pending if e.get("object") == "submission"]
        for sid in _ids(links.get("submissions")):
            if sid in known:
                continue
            sub = self.c.get_submission(sid)
            if sub is None or str(sub.get("year_filing_for")) != year:
                continue
            s.submissions.append(sid)
            # a submission we sent whose answer was lost: it carries that send's fingerprint
            mine = next((e for e in pending_sub if sid not in e.get("known_submissions", [])),
                        None)
            self.ledger.found(**self._log(obj="submission", key=p.name, ids=[sid],
                                          fingerprint=mine.get("fingerprint") if mine else None,
                                          resolves=mine["entry"] if mine else None))
            if mine:
                self.ledger.outcome(mine["entry"], "done", ids=[sid])
                pending_sub.remove(mine)
        for e in pending_sub:  # sent, but the server holds no new submission: not saved
            self.ledger.outcome(e["entry"], "failed", errors=["not found on the server"])
        return s

    def _missing(self, obj: str, key: str) -> bool:
        """True when the object must be created; an error when this run already created it
        and the server does not show it (creating it again could make a second copy)."""
        if (obj, key) in self.saved:
            raise ITAError(f"{self.p.name}: {obj} {key} was saved in this run but the server "
                           "does not show it; stopping rather than risk a second copy")
        return True

    def _changed(self, obj: str, key: str, desired: dict[str, Any], held: dict[str, Any],
                 ignore: tuple[str, ...] = ()) -> bool:
        """True when the server's copy differs and this run has not already sent this edit
        (a server that rewrites a value must not make the run edit it again and again)."""
        diff = [f for f in pl.differences(desired, held) if f not in ignore]
        if not diff:
            return False
        if self.saved.get((obj, key)) == pl.payload_hash(desired):
            note = f"{obj} {key}: the server shows {', '.join(diff)} differently after the edit"
            if note not in self.outcome.writes:
                self.outcome.writes.append(note)
            return False
        return True

    def _actions(self, s: _Survey, st: HeldState) -> list[tuple[str, str, Any]]:
        p = self.p
        if s.establishment is None:
            self._missing("establishment", p.name)
            return [("create", "establishment", p.establishment)]
        eid = str(s.establishment["id"])
        acts: list[tuple[str, str, Any]] = []
        if self._changed("establishment", p.name, p.establishment, s.establishment):
            acts.append(("edit", "establishment", p.establishment))
        form = pl.form300a_body(self._row300a(), eid)
        if s.form300a is None and self._missing("form300A", p.name):
            acts.append(("create", "form300A", form))
        elif s.form300a is not None and self._changed("form300A", p.name, form, s.form300a):
            acts.append(("edit", "form300A", form))
        if p.send_cases:
            missing = [c for c in p.cases if c["case_number"] not in s.cases
                       and self._missing("caseData", c["case_number"])]
            if missing:
                acts.append(("create", "caseData",
                             [{**c, "establishment": pl.establishment_ref(p.name, eid)}
                              for c in missing]))
            for c in p.cases:
                held = s.cases.get(c["case_number"])
                if held is not None and self._changed("caseData", c["case_number"], c, held,
                                                      ignore=("year_of_filing",)):
                    acts.append(("edit", "caseData", (str(held["id"]), c)))
            extra = sorted(set(s.cases) - {c["case_number"] for c in p.cases})
            if extra:
                note = f"on the server but not in the data (not removed): {', '.join(extra)}"
                if note not in self.outcome.writes:
                    self.outcome.writes.append(note)
        year_writes = [a for a in acts if a[1] != "establishment"]
        if year_writes or st.dirty or not s.submissions:
            if s.submissions and not self.reason:
                raise ITAError(
                    f"{p.name}: {p.year} was already submitted (submission "
                    f"{', '.join(s.submissions)}) and the data changed; give a change reason "
                    "(--change-reason) to edit and re-submit")
            acts.append(("complete", "submission", s.submissions))
        return acts

    def _row300a(self) -> dict[str, Any]:
        """The 300A body's fields as a frame row again, with this run's change reason."""
        return {**self.p.form300a, "establishment_name": self.p.name,
                "change_reason": self.reason}

    # -- writes ----------------------------------------------------------------------------

    def _send(self, action: str, obj: str, key: str, method: str, endpoint: str,
              body: Any, call, **extra: Any) -> Reply:
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
        except ITAError as exc:
            self.ledger.outcome(sent, "failed", errors=[str(exc)])
            raise
        if obj == "caseData" and action == "create":
            self._case_items(sent, body, reply)
        else:
            if reply.ok and obj != "submission":
                self.saved[(obj, key)] = h
                if self.outcome.status == "unchanged":
                    self.outcome.status = "updated"
            self.ledger.outcome(sent, "done" if reply.ok else "failed", http_status=reply.status,
                                ids=reply.ids if reply.ok else [],
                                errors=[] if reply.ok else [reply.error_text()])
        label = f"{action} {obj}" + (f" {key}" if obj == "caseData" else "")
        self.outcome.writes.append(label if reply.ok else f"{label}: {reply.error_text()}")
        return reply

    def _case_items(self, sent: str, bodies: list[dict[str, Any]], reply: Reply) -> None:
        items = []
        for body, o in zip(bodies, case_outcomes(reply, bodies), strict=True):
            if o.ok:
                self.saved[("caseData", o.case_number)] = pl.payload_hash(body)
                self.outcome.status = "updated"
            items.append({"phase": "done" if o.ok else "failed", "key": o.case_number,
                          "ids": [o.id] if o.id else [], "errors": o.errors,
                          "payload_hash": pl.payload_hash(body)})
        self.ledger.items(sent, items, "done" if reply.ok else "failed",
                          http_status=reply.status,
                          errors=[] if reply.ok else [reply.error_text()])

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
                    fingerprint=p.fingerprint, known_submissions=list(arg))
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


