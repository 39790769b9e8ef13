"""A typed client for OSHA's ITA API (recordkeeping.md section 9) over ``requests``.

Every call has a timeout. Reads (GET) and idempotent edits (PUT, PATCH) are retried with
exponential backoff on dropped connections, timeouts and 5xx answers; every method is
retried on 429 and 503, waiting what ``Retry-After`` says. A POST whose outcome is unknown
(timeout, dropped connection, 500) is never re-sent here: :class:`UncertainWrite` is raised
so that the caller asks the server what it already holds before sending again.

The body's ``success`` and ``errors`` are always read: a 200 with errors saved nothing.
An HTML 403 means the token is missing, invalid or expired (:class:`TokenRejected`).

Answers are read the way OSHA's documents write them, not one spelling the kit chose:
keys are matched once stripped (the seed's Get Submission sample writes
``"year_filing_for "``), links to an establishment's 300As under every name OSHA's documents
and copies of them use (:data:`LINK_NAMES`), ids from ``id`` else from ``links.self``. What
cannot be read raises :class:`UnexpectedAnswer`: the caller stops, it never guesses.
:func:`osha_host` tells OSHA's production and preview hosts by meaning (scheme, case,
``www.``, port and path do not matter).
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from oshakit.errors import ITAError
from oshakit.ita.token import REDACTED, RedactingFilter, Token

PRODUCTION_URL = "https://www.osha.gov/oshaApi/v1"
SANDBOX_URL = "https://preview.osha.gov/oshaApi/v1"
#: (connect, read) seconds.
DEFAULT_TIMEOUT = (10.0, 60.0)
#: Names under which an establishment's links list its 300As / submissions: the kit's first
#: guess (``form300A``), a third-party copy of OSHA's ITA API documentation
#: (``form300ALinks``), and spellings seen in such copies. None is in OSHA's v1.3 case-data
#: specification, which never shows an establishment answer's links. Compared without case
#: and underscores.
LINK_NAMES = {
    "form300A": ("form300A", "form300ALinks", "form300Alinks", "form300a_links",
                 "form300ALink"),
    "submissions": ("submissions", "submissionLinks", "submission_links", "submissionsLinks"),
}
IDEMPOTENT = frozenset({"GET", "PUT", "PATCH"})
BUSY = frozenset({429, 503})
RETRY_READS = frozenset({500, 502, 503, 504, 429})

log = logging.getLogger("oshakit.ita")

Body = dict[str, Any] | list[dict[str, Any]]


class TokenRejected(ITAError):
    """HTML 403: the server refused the bearer token."""


class ServerUnavailable(ITAError):
    """No usable answer after every try (unreachable, timing out, or busy): stop the run;
    the ledger lets the next run resume."""


class UnexpectedAnswer(ITAError):
    """An answer the client does not understand: stop rather than guess (never re-POST)."""


class UncertainWrite(ITAError):
    """A write may or may not have been saved: ask the server before sending it again."""

    def __init__(self, method: str, path: str, cause: str) -> None:
        self.method, self.path, self.cause = method, path, cause
        super().__init__(f"{method} {path}: outcome unknown ({cause})")


@dataclass
class Reply:
    """One answer of the API: HTTP status plus the ``{results, success, errors}`` envelope."""

    method: str
    path: str
    status: int
    success: bool
    results: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Saved: a 2xx status, ``success`` true and no error."""
        return 200 <= self.status < 300 and self.success and not self.errors

    @property
    def ids(self) -> list[str]:
        """The ids of the results, wherever each answer puts them (:func:`record_id`)."""
        return [i for i in (record_id(r) for r in self.results) if i is not None]

    def error_text(self) -> str:
        return "; ".join(_error_str(e) for e in self.errors) or f"HTTP {self.status}"


def _error_str(error: Any) -> str:
    if isinstance(error, dict):
        where = error.get("field") or ""
        idx = f"[{error['index']}] " if "index" in error else ""
        msg = error.get("message") or error.get("error") or str(error)
        return f"{idx}{where + ': ' if where else ''}{msg}"
    return str(error)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


def _norm(key: Any) -> str:
    return re.sub(r"[\s_]", "", str(key)).casefold()


def answer_field(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` with keys compared stripped, without case or underscores; ``default``
    when absent or ``obj`` is not an object."""
    if not isinstance(obj, dict):
        return default
    if name in obj:
        return obj[name]
    want = _norm(name)
    for k, v in obj.items():
        if _norm(k) == want:
            return v
    return default


def _last_segment(link: Any) -> str | None:
    text = str(link).strip().rstrip("/")
    tail = text.rsplit("/", 1)[-1] if text else ""
    return tail if tail and "{" not in tail else None


def record_id(obj: Any) -> str | None:
    """The id of one answer object: its ``id``, else the last segment of ``links.self``."""
    value = answer_field(obj, "id")
    if value is not None and str(value).strip():
        return str(value).strip()
    links = answer_field(obj, "links")
    return _last_segment(answer_field(links, "self")) if links else None


def link_ids(obj: Any, kind: str) -> list[str] | None:
    """Ids in ``obj.links`` under any name of ``LINK_NAMES[kind]``; None when the links hold
    none of those names (the answer's shape is unknown: the caller must not conclude that
    nothing exists)."""
    links = answer_field(obj, "links")
    if not isinstance(links, dict):
        return None
    for name in LINK_NAMES[kind]:
        value = answer_field(links, name)
        if value is not None:
            return link_list(value)
    return None


def link_list(value: Any) -> list[str]:
    """Ids from a link, a list of links, or OSHA's sample's ``{...}`` of links."""
    if isinstance(value, str):
        value = [value]
    elif isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        raise UnexpectedAnswer(f"links in an unknown shape: {type(value).__name__}")
    return [i for i in (_last_segment(x) for x in value if x is not None) if i is not None]


def case_year(case: dict[str, Any]) -> int | None:
    """The log year of a case ITA holds: the year of its ``date_of_incident`` (a case is on
    the log of the year its injury occurred, 1904.7(b)(3)(ix)); when that date is unusable,
    a year the answer carries (``year_filing_for``, ``year_of_filing``); None when neither.
    OSHA's own Add Case Data sample answers ``year_filing_for`` 2023 for a 2022 incident, so
    that field never overrides the incident date."""
    from oshakit.ita.rules import as_int, incident_year

    year = incident_year(answer_field(case, "date_of_incident"))
    if year is not None:
        return year
    for name in ("year_filing_for", "year_of_filing"):
        year = as_int(answer_field(case, name))
        if year is not None:
            return year
    return None


def osha_host(url: str) -> str | None:
    """``"production"`` for any osha.gov host but the preview one, ``"sandbox"`` for
    preview.osha.gov, None for any other host; scheme, case, ``www.``, port, user info and
    path do not matter."""
    parsed = urllib.parse.urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parsed.hostname or "").rstrip(".").casefold()
    while host.startswith("www."):
        host = host[4:]
    if host != "osha.gov" and not host.endswith(".osha.gov"):
        return None
    return "sandbox" if host == "preview.osha.gov" else "production"


class ITAClient:
    """The ITA API at ``base_url`` (``PRODUCTION_URL``, ``SANDBOX_URL`` or a rehearsal server).

    ``before_request(method, path)`` and ``after_request(reply)`` are called before each
    request leaves and after each answer (tests use them to stop a run at any point);
    ``sleep`` is how the client waits between tries.
    """

    def __init__(
        self,
        base_url: str,
        token: Token,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        max_wait: float = 120.0,
        before_request: Callable[[str, str], None] | None = None,
        after_request: Callable[[Reply], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(token, Token):
            raise TypeError("token must be an oshakit.ita.token.Token")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.max_wait = max_wait
        self.before_request, self.after_request, self.sleep = before_request, after_request, sleep
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json"})
        if not any(isinstance(f, RedactingFilter) and f.token is not None
                   and f.token.reveal() == token.reveal() for f in log.filters):
            log.addFilter(RedactingFilter(token))
        self.requests_sent = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> ITAClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ITAClient({self.base_url!r}, token={REDACTED})"

    # -- transport -------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Body | None = None) -> Reply:
        """Send one request (with the retries its method allows) and read the envelope."""
        method = method.upper()
        url = f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self._token.reveal()}"}
        idempotent = method in IDEMPOTENT
        if self.before_request is not None:
            self.before_request(method, path)
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            log.debug("%s %s headers={'Authorization': 'Bearer %s'}", method, url, REDACTED)
            try:
                self.requests_sent += 1
                resp = self.session.request(
                    method, url, json=body, headers=headers, timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                cause = "timed out" if isinstance(exc, requests.Timeout) else "connection lost"
                log.warning("%s %s: %s (try %d)", method, url, cause, attempt + 1)
                if not idempotent:
                    raise UncertainWrite(method, path, cause) from None
                if last:
                    raise ServerUnavailable(f"{method} {path}: no answer after {attempt + 1} "
                                            f"tries ({cause})") from None
                self._wait(attempt, None)
                continue
            log.info("%s %s -> %d", method, url, resp.status_code)
            status = resp.status_code
            if status == 403 and "json" not in resp.headers.get("Content-Type", ""):
                raise TokenRejected(
                    "OSHA's ITA refused the API token (HTTP 403): the token is missing, "
                    "invalid or expired; get a new one from your ITA account and set "
                    "OSHAKIT_ITA_TOKEN or OSHAKIT_ITA_TOKEN_FILE"
                )
            retryable = status in BUSY or (idempotent and status in RETRY_READS)
            if retryable and not last:
                self._wait(attempt, _retry_after(resp.headers.get("Retry-After")))
                continue
            if status >= 500 and not idempotent and status not in BUSY:
                raise UncertainWrite(method, path, f"HTTP {status}")
            if retryable:
                saved = "nothing was saved" if status in BUSY else "try again later"
                raise ServerUnavailable(f"{method} {path}: server busy (HTTP {status}) after "
                                        f"{attempt + 1} tries; {saved}")
            reply = self._reply(method, path, resp)
            if self.after_request is not None:
                self.after_request(reply)
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        delay = retry_after if retry_after is not None else self.backoff * 2**attempt
        self.sleep(min(delay, self.max_wait))

    @staticmethod
    def _reply(method: str, path: str, resp: requests.Response) -> Reply:
        try:
            data = resp.json()
        except ValueError:
            snippet = resp.text[:120].replace("\n", " ")
            msg = f"{method} {path}: HTTP {resp.status_code}, not JSON: {snippet!r}"
            raise UnexpectedAnswer(msg) from None
        if not isinstance(data, dict):
            raise UnexpectedAnswer(f"{method} {path}: unexpected answer {type(data).__name__}, "
                                   "not ITA's {results, success, errors} object")
        results = answer_field(data, "results")
        if results is None:
            results = []
        elif isinstance(results, dict):
            results = [results]
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise UnexpectedAnswer(f"{method} {path}: 'results' in an unknown shape")
        errors = answer_field(data, "errors") or []
        if not isinstance(errors, list):
            errors = [errors]
        success = answer_field(data, "success")
        if success is None:  # (the seed's Complete Submission sample misplaces it)
            success = 200 <= resp.status_code < 300 and not errors
        elif isinstance(success, str):
            success = success.strip().casefold() == "true"
        return Reply(method, path, resp.status_code, bool(success), results, errors)

    def _get_one(self, path: str) -> dict[str, Any] | None:
        reply = self.request("GET", path)
        if reply.status == 404:
            return None
        if not reply.ok:
            raise ITAError(f"GET {path}: {reply.error_text()}")
        return reply.results[0] if reply.results else None

    def _get_all(self, path: str) -> list[dict[str, Any]]:
        reply = self.request("GET", path)
        if reply.status == 404:
            return []
        if not reply.ok:
            raise ITAError(f"GET {path}: {reply.error_text()}")
        return reply.results

    def probe(self) -> None:
        """One cheap authenticated read, so that a wrong token stops the run before anything
        else (even when the ledger says there is nothing to send)."""
        reply = self.request("GET", "/establishments")
        if not reply.ok and reply.status != 404:
            raise ITAError(f"GET /establishments: {reply.error_text()}")

    # -- establishments --------------------------------------------------------------------

    def list_establishments(self) -> list[dict[str, Any]]:
        return self._get_all("/establishments")

    def get_establishment(self, establishment_id: str) -> dict[str, Any] | None:
        return self._get_one(f"/establishments/{establishment_id}")

    def create_establishment(self, body: Body) -> Reply:
        return self.request("POST", "/establishments", body)

    def edit_establishment(self, establishment_id: str, body: dict[str, Any]) -> Reply:
        return self.request("PUT", f"/establishments/{establishment_id}", body)

    # -- Form 300A -------------------------------------------------------------------------

    def add_form300a(self, body: Body) -> Reply:
        return self.request("POST", "/forms/form300A", body)

    def get_form300a(self, form_id: str) -> dict[str, Any] | None:
        return self._get_one(f"/forms/form300A/{form_id}")

    def edit_form300a(self, form_id: str, body: dict[str, Any]) -> Reply:
        return self.request("PATCH", f"/forms/form300A/{form_id}", body)

    # -- case data (Forms 300 and 301) -----------------------------------------------------

    def add_case_data(self, body: Body) -> Reply:
        """One case or an array of cases; an array can partly succeed (see ``case_outcomes``)."""
        return self.request("POST", "/forms/caseData", body)

    def get_case_data(self, case_id: str) -> dict[str, Any] | None:
        return self._get_one(f"/forms/caseData/{case_id}")

    def case_data_for_establishment(self, establishment_id: str) -> list[dict[str, Any]]:
        """The establishment's cases. A 404 is not read as "no cases": the caller has just
        read the establishment, and OSHA's documents do not say what a 404 means here."""
        path = f"/forms/caseData/establishment/{establishment_id}"
        reply = self.request("GET", path)
        if reply.status == 404:
            raise UnexpectedAnswer(
                f"GET {path}: HTTP 404 ({reply.error_text()}) for the case list of an "
                "establishment ITA has just shown; OSHA's documents do not say what that "
                "means, so the kit does not take it as 'no cases'")
        if not reply.ok:
            raise ITAError(f"GET {path}: {reply.error_text()}")
        return reply.results

    def edit_case_data(self, case_id: str, body: dict[str, Any]) -> Reply:
        """PATCH one case; the body carries the case's ``id`` (required to edit, v1.3)."""
        return self.request("PATCH", f"/forms/caseData/{case_id}", {"id": str(case_id), **body})

    # -- submissions -----------------------------------------------------------------------

    def complete_submission(
        self, establishment_id: str, year: int, change_reason: str | None = None
    ) -> Reply:
        body: dict[str, Any] = {"establishment_id": str(establishment_id),
                                "year_filing_for": str(year)}
        if change_reason:
            body["change_reason"] = change_reason
        return self.request("POST", "/submissions", body)

    def get_submission(self, submission_id: str) -> dict[str, Any] | None:
        return self._get_one(f"/submissions/{submission_id}")


@dataclass
class CaseOutcome:
    """What happened to one case of an array request."""

    case_number: str
    id: str | None
    errors: list[str]

    @property
    def ok(self) -> bool:
        return self.id is not None and not self.errors

    @property
    def unknown(self) -> bool:
        """The request succeeded but its answer does not name this case's id."""
        return self.id is None and not self.errors


def case_outcomes(reply: Reply, sent: list[dict[str, Any]]) -> list[CaseOutcome]:
    """Per-object outcomes of a case-data array: matched by case number (the answer's
    ``case_number``, read as text), errors by index."""
    saved: dict[str, str] = {}
    for r in reply.results:
        number, rid = answer_field(r, "case_number"), record_id(r)
        if number is not None and rid is not None:
            saved[str(number).strip()] = rid
    by_index: dict[int, list[str]] = {}
    general: list[str] = []
    for e in reply.errors:
        if isinstance(e, dict) and isinstance(e.get("index"), int):
            by_index.setdefault(e["index"], []).append(_error_str(e))
        else:
            general.append(_error_str(e))
    out = []
    for i, obj in enumerate(sent):
        number = str(obj.get("case_number"))
        errs = by_index.get(i, [])
        cid = saved.get(number) if not errs else None
        if cid is None and not errs and not reply.ok:
            errs = general or [f"not saved (HTTP {reply.status})"]
        out.append(CaseOutcome(number, cid, errs))  # saved, id unknown: ``unknown``
    return out
