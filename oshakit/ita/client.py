"""A typed client for OSHA's ITA API (recordkeeping.md section 9) over ``requests``.

Every call has a timeout. Reads (GET) and idempotent edits (PUT, PATCH) are retried with
exponential backoff on dropped connections, timeouts and 5xx answers; every method is
retried on 429 and 503, waiting what ``Retry-After`` says. A POST whose outcome is unknown
(timeout, dropped connection, 500) is never re-sent here: :class:`UncertainWrite` is raised
so that the caller asks the server what it already holds before sending again.

The body's ``success`` and ``errors`` are always read: a 200 with errors saved nothing.
An HTML 403 means the token is missing, invalid or expired (:class:`TokenRejected`).
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from oshakit.errors import ITAError
from oshakit.ita.token import REDACTED, RedactingFilter, Token

PRODUCTION_URL = "https://www.osha.gov/oshaApi/v1"
SANDBOX_URL = "https://preview.osha.gov/oshaApi/v1"
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
        return [str(r["id"]) for r in self.results if isinstance(r, dict) and "id" in r]

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
        timeout: float | tuple[float, float] = (10.0, 60.0),
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
            raise ITAError(msg) from None
        if not isinstance(data, dict):
            raise ITAError(f"{method} {path}: unexpected answer {type(data).__name__}")
        results = data.get("results") or []
        if isinstance(results, dict):
            results = [results]
        errors = data.get("errors") or []
        if not isinstance(errors, list):
            errors = [errors]
        return Reply(method, path, resp.status_code, bool(data.get("success")), results, errors)

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
        return self._get_all(f"/forms/caseData/establishment/{establishment_id}")

    def edit_case_data(self, case_id: str, body: dict[str, Any]) -> Reply:
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


def case_outcomes(reply: Reply, sent: list[dict[str, Any]]) -> list[CaseOutcome]:
    """Per-object outcomes of a case-data array: matched by case number, errors by index."""
    saved = {str(r.get("case_number")): str(r["id"]) for r in reply.results if "id" in r}
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
        if cid is None and not errs:
            errs = general or [f"not saved (HTTP {reply.status})"]
        out.append(CaseOutcome(number, cid, errs))
    return out
