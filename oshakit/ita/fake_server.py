"""A rehearsal ITA server: a real HTTP server on 127.0.0.1 that behaves as OSHA documents.

It follows OSHA's documents, not the kit's client. It implements the establishments, Form
300A, case data and submissions endpoints with a bearer-token check (an HTML 403 otherwise),
the ``{results, success, errors}`` envelope, per-object errors in arrays, and answers in the
literal shapes of the "ITA Case Data API Specifications" v1.3 (the seed):

- Add / Get by Id / Edit Case Data answer with ``establishment_id`` and ``year_filing_for``;
  by default that year is the incident's year + 1, as the Add sample shows (2023 for a 2022
  incident), so a client that trusts it files into the wrong year;
- Get Case Data by Establishment Id lists cases with neither (the sample's shape);
- an establishment links its 300As as ``form300ALinks`` and its submissions as
  ``submissions`` (:data:`DEFAULT_LINK_NAMES`): guesses, since the seed never shows an
  establishment answer's links (``form300ALinks`` is from a third-party copy of OSHA's ITA
  API documentation; ``link_names`` varies them);
- Complete Submission answers with ``form300A`` (as it stood when submitted) and ``caseData``
  links. Which cases a submission covers is the ``submission_cases`` option: by default
  ``establishment``, every case the establishment holds, whatever its year, as the seed words
  it ("all the case data that has been submitted for the establishment"); ``year``, only the
  cases of the year filed for, is an assumption about OSHA's server that no OSHA document
  states (the kit refuses to call a submission filed when it covers another year's case).

Requests are checked with the kit's one set of rules (:mod:`oshakit.ita.rules`): only fields
of the data dictionary (a key's surrounding spaces are ignored: the Edit sample writes
``"id "``), ``id`` required to edit a case, lengths, codes, the 300A cross-field rules, unique
establishment names, one 300A per establishment-year, case numbers unique per establishment
and year (the server assigns a case's year from its ``date_of_incident``). OSHA's own sample
requests are accepted.

Faults can be injected to rehearse what the network and the server do on bad days:
``delay`` (the object is saved, the answer comes late: by default later than the client's
read timeout), ``drop`` (connection closed, nothing saved), ``lost`` (saved, then the
connection closes with no answer), ``429`` (with ``Retry-After``), ``500`` and ``503``.

    with FakeITAServer(token="t") as server:
        server.inject(Fault("lost", method="POST", path="/forms/caseData"))
        client = ITAClient(server.base_url, Token("t"))

Run ``python -m oshakit.ita.fake_server --port 8765`` to rehearse from the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from oshakit.ita.client import DEFAULT_TIMEOUT
from oshakit.ita.rules import (
    case_errors,
    establishment_errors,
    form300a_errors,
    incident_year,
    submission_errors,
)

PREFIX = "/oshaApi/v1"
#: Default of the ``delay`` fault on the command line: longer than the client's read timeout.
LONG_DELAY = DEFAULT_TIMEOUT[1] + 15.0
#: Where an establishment's answer links its 300As and submissions. Not OSHA's names as far
#: as this project knows them: the seed never shows an establishment answer's links.
#: ``form300ALinks`` is taken from a third-party copy of OSHA's ITA API documentation,
#: ``submissions`` is a guess. Unverified: check them in OSHA's sandbox.
DEFAULT_LINK_NAMES = {"form300A": "form300ALinks", "submissions": "submissions"}
CASE_YEAR_REPLIES = ("sample", "incident", "none")
#: Which cases Complete Submission covers: ``establishment`` (the seed's words: all the case
#: data submitted for the establishment) or ``year`` (only the year's: not documented).
SUBMISSION_CASES = ("establishment", "year")
FAULT_KINDS = ("delay", "drop", "lost", "429", "500", "503")
HTML_403 = (b"<html><head><title>403 Forbidden</title></head><body><h1>Access Denied</h1>"
            b"<p>You don't have permission to access this resource.</p></body></html>")


@dataclass
class Fault:
    """One injected fault for the next ``times`` requests matching ``method`` and ``path``."""

    kind: str
    method: str | None = None
    path: str | None = None  # matched against the start of the path after /oshaApi/v1
    times: int = 1
    delay: float = 0.0  # seconds, for "delay"
    retry_after: int = 1  # seconds, for "429" and "503"

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {FAULT_KINDS}")

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and (self.method in (None, method)) and \
            (self.path is None or path.startswith(self.path))


class _Drop(Exception):
    """Close the connection without answering."""


class Store:
    """What the server holds, with ITA's rules applied on every write."""

    def __init__(self, link_names: dict[str, str | None] | None = None,
                 case_year_reply: str = "sample",
                 submission_cases: str = "establishment") -> None:
        if case_year_reply not in CASE_YEAR_REPLIES:
            raise ValueError(f"case_year_reply must be one of {CASE_YEAR_REPLIES}")
        if submission_cases not in SUBMISSION_CASES:
            raise ValueError(f"submission_cases must be one of {SUBMISSION_CASES}")
        self.submission_cases = submission_cases
        self.lock = threading.Lock()
        self.link_names = {**DEFAULT_LINK_NAMES, **(link_names or {})}
        self.case_year_reply = case_year_reply
        self.establishments: dict[str, dict[str, Any]] = {}
        self.form300a: dict[str, dict[str, Any]] = {}
        self.cases: dict[str, dict[str, Any]] = {}
        self.submissions: dict[str, dict[str, Any]] = {}
        self.duplicates = 0  # creates refused because the object already exists
        self._next = 1000

    def new_id(self) -> str:
        self._next += 1
        while str(self._next) in {*self.establishments, *self.form300a, *self.cases,
                                  *self.submissions}:
            self._next += 1
        return str(self._next)

    # -- views -----------------------------------------------------------------------------

    def establishment_view(self, eid: str) -> dict[str, Any]:
        e = dict(self.establishments[eid])
        links: dict[str, Any] = {"self": f"{PREFIX}/establishments/{eid}"}
        forms = [f"{PREFIX}/forms/form300A/{i}" for i, f in self.form300a.items()
                 if f["establishment_id"] == eid]
        subs = [f"{PREFIX}/submissions/{i}" for i, s in self.submissions.items()
                if s["establishment_id"] == eid]
        for kind, values in (("form300A", forms), ("submissions", subs)):
            if self.link_names.get(kind):
                links[self.link_names[kind]] = values
        e["links"] = links
        return e

    def form300a_view(self, fid: str) -> dict[str, Any]:
        f = dict(self.form300a[fid])
        f["links"] = {"self": f"{PREFIX}/forms/form300A/{fid}",
                      "establishment": f"{PREFIX}/establishments/{f['establishment_id']}"}
        return f

    def case_view(self, cid: str, *, listed: bool = False) -> dict[str, Any]:
        """A case as OSHA's samples show it: in a list (Get Case Data by Establishment Id)
        without establishment id or year; alone with both, the year as ``case_year_reply``
        says (``sample``: the incident's year + 1, as the Add Case Data sample answers)."""
        c = self.cases[cid]
        out: dict[str, Any] = {"id": cid}
        if not listed:
            out["establishment_id"] = c["establishment_id"]
            if self.case_year_reply != "none":
                out["year_filing_for"] = str(c["_year"] + (self.case_year_reply == "sample"))
        out.update({k: v for k, v in c.items()
                    if k not in ("id", "establishment_id", "_year")})
        out["links"] = {"self": f"{PREFIX}/forms/caseData/{cid}",
                        "establishment": f"{PREFIX}/establishments/{c['establishment_id']}"}
        return out

    def submission_view(self, sid: str) -> dict[str, Any]:
        """The Complete Submission sample's shape (``caseData`` only when there are cases)."""
        s = self.submissions[sid]
        out: dict[str, Any] = {"id": sid, "year_filing_for": s["year_filing_for"],
                               "establishment": self.establishment_view(s["establishment_id"]),
                               "form300A": s["form300A"]}
        if s["case_ids"]:
            out["caseData"] = [f"{PREFIX}/forms/caseData/{c}" for c in s["case_ids"]]
        out.update({"created_username": s["created_username"], "time_stamp": s["time_stamp"],
                    "links": {"self": f"{PREFIX}/submissions/{sid}",
                              "establishment": f"{PREFIX}/establishments/"
                                               f"{s['establishment_id']}",
                              "form300A": f"{PREFIX}/forms/form300A/{s['form300A_id']}"}})
        return out

    # -- helpers ---------------------------------------------------------------------------

    def resolve(self, ref: Any) -> str | None:
        """The id of the establishment an embedded ``establishment`` object names."""
        if not isinstance(ref, dict):
            return None
        if ref.get("id") is not None:
            return str(ref["id"]) if str(ref["id"]) in self.establishments else None
        name = str(ref.get("establishment_name", "")).strip().casefold()
        for eid, e in self.establishments.items():
            if e["establishment_name"].strip().casefold() == name:
                return eid
        return None

    def name_taken(self, name: str, but: str | None = None) -> bool:
        n = str(name).strip().casefold()
        return any(e["establishment_name"].strip().casefold() == n
                   for eid, e in self.establishments.items() if eid != but)

    def case_taken(self, eid: str, year: int, number: str, but: str | None = None) -> bool:
        return any(c["establishment_id"] == eid and c["_year"] == year
                   and c["case_number"] == number for i, c in self.cases.items() if i != but)

    # -- writes: each returns (result or None, errors) -------------------------------------

    def create_establishment(self, body: dict[str, Any], eid: str | None = None):
        body = _strip(body, ("links",))
        errs = _fmt(establishment_errors(body))
        if not errs and self.name_taken(body["establishment_name"]):
            self.duplicates += 1
            errs = [{"field": "establishment_name", "message": "establishment name already "
                     "exists in this account; establishment names must be unique"}]
        if errs:
            return None, errs
        eid = eid or self.new_id()
        self.establishments[eid] = {"id": eid, **body}
        return self.establishment_view(eid), []

    def edit_establishment(self, eid: str, body: dict[str, Any]):
        merged = {**self.establishments[eid], **_strip(body, ("id", "links"))}
        errs = _fmt(establishment_errors(merged, extra_keys=("id",)))
        if not errs and self.name_taken(merged["establishment_name"], but=eid):
            errs = [{"field": "establishment_name", "message": "establishment name already "
                     "exists in this account"}]
        if errs:
            return None, errs
        self.establishments[eid] = merged
        return self.establishment_view(eid), []

    def add_form300a(self, body: dict[str, Any], fid: str | None = None):
        body = _strip(body, ("links",))
        eid = self.resolve(body.get("establishment"))
        if eid is None:
            return None, [{"field": "establishment", "message": "establishment not found"}]
        errs = _fmt(form300a_errors(body))
        year = str(body.get("year_filing_for")).strip()
        if not errs and any(f["establishment_id"] == eid and f["year_filing_for"] == year
                            for f in self.form300a.values()):
            self.duplicates += 1
            errs = [{"field": "year_filing_for", "message": "a Form 300A for this "
                     "establishment and year already exists; edit it instead"}]
        if errs:
            return None, errs
        fid = fid or self.new_id()
        self.form300a[fid] = {"id": fid, "establishment_id": eid,
                              **_strip(body, ("id", "establishment")),
                              "year_filing_for": year}
        return self.form300a_view(fid), []

    def edit_form300a(self, fid: str, body: dict[str, Any]):
        merged = {**self.form300a[fid], **_strip(body, ("id", "establishment", "links",
                                                         "establishment_id"))}
        errs = _fmt(form300a_errors(merged, extra_keys=("id", "establishment_id")))
        if errs:
            return None, errs
        merged["year_filing_for"] = str(merged["year_filing_for"]).strip()
        self.form300a[fid] = merged
        return self.form300a_view(fid), []

    def add_case(self, body: Any):
        if not isinstance(body, dict):
            return None, [{"message": "a case must be a JSON object"}]
        eid = self.resolve(body.get("establishment"))
        if eid is None:
            return None, [{"field": "establishment", "message": "establishment not found"}]
        errs = _fmt(case_errors(body))
        year = incident_year(body.get("date_of_incident"))
        number = str(body.get("case_number", "")).strip()
        if not errs and self.case_taken(eid, year, number):
            self.duplicates += 1
            errs = [{"field": "case_number", "message": f"case number {number} already exists "
                     "for this establishment and year; the case number must be unique"}]
        if errs:
            return None, errs
        cid = self.new_id()
        self.cases[cid] = {"id": cid, "establishment_id": eid, "_year": year,
                           **_strip(body, ("id", "establishment")), "case_number": number}
        return self.case_view(cid), []

    def edit_case(self, cid: str, body: dict[str, Any]):
        if cid not in self.cases:
            return None, [{"field": "id", "message": f"case data {cid} not found"}]
        errs = _fmt(case_errors(body, edit=True))
        if not errs and str(body["id"]).strip() != cid:
            errs = [{"field": "id", "message": f"id {body['id']} is not case data {cid}"}]
        if errs:
            return None, errs
        merged = {**self.cases[cid], **_strip(body, ("id", "establishment"))}
        merged["_year"] = incident_year(merged.get("date_of_incident"))
        merged["case_number"] = str(merged["case_number"]).strip()
        if self.case_taken(merged["establishment_id"], merged["_year"], merged["case_number"],
                           but=cid):
            return None, [{"field": "case_number", "message": "case number already exists "
                           "for this establishment and year"}]
        self.cases[cid] = merged
        return self.case_view(cid), []

    def submit(self, body: dict[str, Any]):
        errs = _fmt(submission_errors(body))
        if errs:
            return None, errs
        eid = str(body.get("establishment_id", "")).strip()
        year = str(body.get("year_filing_for", "")).strip()
        if eid not in self.establishments:
            return None, [{"field": "establishment_id", "message": "establishment not found"}]
        form = [i for i, f in self.form300a.items()
                if f["establishment_id"] == eid and f["year_filing_for"] == year]
        if not form:
            return None, [{"field": "year_filing_for", "message": "no Form 300A for this "
                           "establishment and year"}]
        earlier = [s for s in self.submissions.values()
                   if s["establishment_id"] == eid and s["year_filing_for"] == year]
        if earlier and not str(body.get("change_reason") or "").strip():
            return None, [{"field": "change_reason", "message": "this establishment and year "
                           "were already submitted: a change_reason is required"}]
        sid = self.new_id()
        self.submissions[sid] = {
            "id": sid, "year_filing_for": year, "establishment_id": eid,
            "form300A_id": form[0], "form300A": self.form300a_view(form[0]),
            "change_reason": body.get("change_reason"),
            "case_ids": [i for i, c in self.cases.items() if c["establishment_id"] == eid
                         and (self.submission_cases == "establishment"
                              or str(c["_year"]) == year)],
            "created_username": "rehearsal", "time_stamp": int(time.time()),
        }
        return self.submission_view(sid), []


def _keys(value: Any) -> Any:
    """The body with every key stripped of surrounding spaces (the seed's ``"id "``)."""
    if isinstance(value, dict):
        return {str(k).strip(): _keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_keys(v) for v in value]
    return value


def _strip(body: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in drop}


def _fmt(problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"field": f, "message": m} for f, m in problems]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = -1  # headers and body leave in one write

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
        if self.server.owner.verbose:
            sys.stderr.write("fake ITA: " + (format % args) + "\n")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        if path.lower().startswith(PREFIX.lower()):
            path = path[len(PREFIX):]
        owner.requests.append((method, path))
        if self.headers.get("Authorization", "") != f"Bearer {owner.token}":
            return self._send(403, HTML_403, "text/html")
        fault = owner.take_fault(method, path)
        try:
            if fault and fault.kind == "drop":
                raise _Drop
            if fault and fault.kind in ("429", "503", "500"):
                body = json.dumps({"results": [], "success": False,
                                   "errors": [{"message": f"HTTP {fault.kind} (injected)"}]})
                headers = {"Retry-After": str(fault.retry_after)} if fault.kind != "500" else {}
                return self._send(int(fault.kind), body.encode(), headers=headers)
            try:
                payload = _keys(json.loads(raw)) if raw else None
            except json.JSONDecodeError:
                return self._envelope(400, [], [{"message": "body is not valid JSON"}])
            with owner.store.lock:
                status, results, errors = owner.route(method, path, payload)
            if fault and fault.kind == "lost":
                raise _Drop
            if fault and fault.kind == "delay":
                time.sleep(fault.delay)
            self._envelope(status, results, errors)
        except _Drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _envelope(self, status: int, results: list, errors: list) -> None:
        body = {"results": results, "success": status < 400 and not errors, "errors": errors}
        self._send(status, json.dumps(body).encode())

    def _send(self, status: int, body: bytes, ctype: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: FakeITAServer


_ROUTES = [
    ("GET", r"/establishments", "list_establishments"),
    ("POST", r"/establishments", "post_establishments"),
    ("GET", r"/establishments/(\w+)", "get_establishment"),
    ("PUT", r"/establishments/(\w+)", "put_establishment"),
    ("POST", r"/forms/form300A", "post_form300a"),
    ("GET", r"/forms/form300A/(\w+)", "get_form300a"),
    ("PATCH", r"/forms/form300A/(\w+)", "patch_form300a"),
    ("POST", r"/forms/caseData", "post_cases"),
    ("GET", r"/forms/caseData/establishment/(\w+)", "get_cases_of"),
    ("GET", r"/forms/caseData/(\w+)", "get_case"),
    ("PATCH", r"/forms/caseData/(\w+)", "patch_case"),
    ("POST", r"/submissions", "post_submission"),
    ("GET", r"/submissions/(\w+)", "get_submission"),
]


class FakeITAServer:
    """The rehearsal server; a context manager that starts and stops it on 127.0.0.1."""

    def __init__(self, token: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 *, verbose: bool = False, link_names: dict[str, str | None] | None = None,
                 case_year_reply: str = "sample",
                 submission_cases: str = "establishment") -> None:
        self.token = token or secrets.token_urlsafe(24)
        self.host, self.port, self.verbose = host, port, verbose
        self.store = Store(link_names, case_year_reply, submission_cases)
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self._fault_lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{PREFIX}"

    def start(self) -> FakeITAServer:
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeITAServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each applies to the next ``times`` matching requests."""
        with self._fault_lock:
            self.faults.extend(faults)

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._fault_lock:
            for f in self.faults:
                if f.matches(method, path):
                    f.times -= 1
                    return f
        return None

    # -- routing ---------------------------------------------------------------------------

    def route(self, method: str, path: str, payload: Any) -> tuple[int, list, list]:
        for m, pattern, name in _ROUTES:
            match = re.fullmatch(pattern, path)
            if m == method and match:
                return getattr(self, "_" + name)(payload, *match.groups())
        return 404, [], [{"message": f"no endpoint {method} {path}"}]

    def _many(self, payload: Any, add) -> tuple[int, list, list]:
        """One object or an array; an array saves what it can, errors carry their index."""
        if isinstance(payload, list):
            results, errors = [], []
            for i, obj in enumerate(payload):
                res, errs = add(obj) if isinstance(obj, dict) else (None, [{"message":
                                                                            "not an object"}])
                if res is not None:
                    results.append(res)
                errors += [{"index": i, **e} for e in errs]
            return 200, results, errors
        if not isinstance(payload, dict):
            return 400, [], [{"message": "body must be a JSON object or an array of objects"}]
        res, errs = add(payload)
        return (200, [res], []) if res is not None else (200, [], errs)

    def _one(self, table: dict, key: str, view) -> tuple[int, list, list]:
        if key not in table:
            return 404, [], [{"message": f"{key} not found"}]
        return 200, [view(key)], []

    def _list_establishments(self, _p):
        return 200, [self.store.establishment_view(i) for i in self.store.establishments], []

    def _post_establishments(self, p):
        return self._many(p, self.store.create_establishment)

    def _get_establishment(self, _p, eid):
        return self._one(self.store.establishments, eid, self.store.establishment_view)

    def _put_establishment(self, p, eid):
        if eid not in self.store.establishments:
            return 404, [], [{"message": f"establishment {eid} not found"}]
        res, errs = self.store.edit_establishment(eid, p if isinstance(p, dict) else {})
        return 200, [res] if res else [], errs

    def _post_form300a(self, p):
        return self._many(p, self.store.add_form300a)

    def _get_form300a(self, _p, fid):
        return self._one(self.store.form300a, fid, self.store.form300a_view)

    def _patch_form300a(self, p, fid):
        if fid not in self.store.form300a:
            return 404, [], [{"message": f"Form 300A {fid} not found"}]
        res, errs = self.store.edit_form300a(fid, p if isinstance(p, dict) else {})
        return 200, [res] if res else [], errs

    def _post_cases(self, p):
        return self._many(p, self.store.add_case)

    def _get_cases_of(self, _p, eid):
        if eid not in self.store.establishments:
            return 404, [], [{"message": f"establishment {eid} not found"}]
        return 200, [self.store.case_view(i, listed=True) for i, c in self.store.cases.items()
                     if c["establishment_id"] == eid], []

    def _get_case(self, _p, cid):
        return self._one(self.store.cases, cid, self.store.case_view)

    def _patch_case(self, p, cid):
        if isinstance(p, list):
            return self._many(p, lambda o: self.store.edit_case(str(o.get("id")), o))
        res, errs = self.store.edit_case(cid, p if isinstance(p, dict) else {})
        return 200, [res] if res else [], errs

    def _post_submission(self, p):
        return self._many(p, self.store.submit)

    def _get_submission(self, _p, sid):
        return self._one(self.store.submissions, sid, self.store.submission_view)


def _fault_arg(text: str, delay: float = LONG_DELAY) -> Fault:
    """KIND[:METHOD[:PATH[:TIMES[:SECONDS]]]], e.g. ``503:POST:/forms/caseData:2`` or
    ``delay:POST:/submissions:1:90``; a ``delay`` without SECONDS waits ``delay``."""
    parts = text.split(":")
    method = parts[1].upper() if len(parts) > 1 and parts[1] else None
    path = parts[2] if len(parts) > 2 and parts[2] else None
    times = int(parts[3]) if len(parts) > 3 and parts[3] else 1
    seconds = float(parts[4]) if len(parts) > 4 and parts[4] else delay
    return Fault(parts[0], method=method, path=path, times=times, delay=seconds)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m oshakit.ita.fake_server",
                                description="Rehearsal ITA API server on 127.0.0.1, answering "
                                            "in the shapes of OSHA's documents.")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--fault", action="append", default=[], metavar="SPEC",
                   help="inject a fault: KIND[:METHOD[:PATH[:TIMES[:SECONDS]]]], KIND one of "
                        + ", ".join(FAULT_KINDS) + "; e.g. delay:POST:/forms/caseData")
    p.add_argument("--delay", type=float, default=LONG_DELAY, metavar="SECONDS",
                   help="how long a 'delay' fault without SECONDS holds the answer (default "
                        f"{LONG_DELAY:g} s: longer than the client's {DEFAULT_TIMEOUT[1]:g} s "
                        "read timeout, so the client times out after the object was saved)")
    p.add_argument("--case-year", choices=CASE_YEAR_REPLIES, default="sample",
                   help="year_filing_for in single-case answers: 'sample' the incident's year "
                        "+ 1 as OSHA's Add Case Data sample answers (default), 'incident', "
                        "or 'none'")
    p.add_argument("--submission-cases", choices=SUBMISSION_CASES, default="establishment",
                   help="which cases Complete Submission covers: 'establishment' every case "
                        "the establishment holds, as OSHA's document words it (default), or "
                        "'year' only the year's (an undocumented assumption)")
    args = p.parse_args(argv)
    try:
        faults = [_fault_arg(f, args.delay) for f in args.fault]
    except ValueError as exc:
        p.error(str(exc))
    token = os.environ.get("OSHAKIT_ITA_TOKEN") or None
    server = FakeITAServer(token=token, port=args.port, verbose=True,
                           case_year_reply=args.case_year,
                           submission_cases=args.submission_cases).start()
    server.inject(*faults)
    print(f"fake ITA API at {server.base_url}")
    if token is None:
        print("rehearsal token (fake, not an OSHA token): export OSHAKIT_ITA_TOKEN="
              f"{server.token}")
    print("press Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
