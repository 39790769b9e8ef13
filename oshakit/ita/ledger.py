"""The submission ledger: an append-only JSON-lines record of every request sent to ITA.

Each write is recorded twice: a ``sent`` line before the request leaves, and an outcome line
(``done``, ``failed`` or ``uncertain``) after. A ``sent`` line with no outcome, or an
``uncertain`` one, means the answer never came (a kill, a timeout, a dropped connection): the
next round asks the server and closes it with ``checked`` (or ``done`` for a submission found
on the server) before sending anything again.
Lines also record what was ``found`` on the server. :meth:`Ledger.state` folds the lines into
what the server holds for one establishment-year, which drives resuming and change detection.
The ledger holds hashes of payloads, ids and errors: never the token, never the payloads.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oshakit.errors import ITAError

LEDGER_FILE = "ita_ledger.jsonl"
LOCK_FILE = "ita_ledger.lock"
WRITES = ("create", "edit", "complete")


@dataclass
class HeldState:
    """What one target holds for one establishment-year, according to the ledger."""

    establishment_id: str | None = None
    establishment_hash: str | None = None
    form300a_id: str | None = None
    form300a_hash: str | None = None
    cases: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # number -> id, hash
    submissions: list[dict[str, Any]] = field(default_factory=list)
    submitted_fingerprint: str | None = None
    dirty: bool = False  # a write was sent after the last completed submission
    pending: list[dict[str, Any]] = field(default_factory=list)  # sent entries, outcome unknown
    last_error: str | None = None


@contextmanager
def exclusive(out_dir: str | Path) -> Iterator[None]:
    """Hold the output folder's lock: two runs sending from one ledger could both send."""
    path = Path(out_dir) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ITAError(f"another submission is running with the ledger in {out_dir}; "
                           "wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


class Ledger:
    """The ledger file ``out_dir/ita_ledger.jsonl``."""

    def __init__(self, out_dir: str | Path, run: str | None = None) -> None:
        self.path = Path(out_dir) / LEDGER_FILE
        self.run = run or uuid.uuid4().hex[:12]
        self._cache: list[dict[str, Any]] = []
        self._by_establishment: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        self._offset = 0

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every line so far, in order (lines cut by a kill mid-write are skipped)."""
        self._refresh()
        yield from list(self._cache)

    def _refresh(self) -> None:
        """Read the lines appended since the last read (by this or another run)."""
        if not self.path.exists():
            return
        with self.path.open("rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self._offset += end
        for line in data[:end].splitlines():
            try:
                e = json.loads(line)
            except json.JSONDecodeError:
                continue
            self._cache.append(e)
            key = (e.get("target"), e.get("establishment"))
            self._by_establishment.setdefault(key, []).append(e)

    def append(self, **entry: Any) -> str:
        """Append one line (flushed to disk) and return its id."""
        return self._write([entry])[0]

    def _write(self, entries: list[dict[str, Any]]) -> list[str]:
        """Append lines with one flush and fsync; returns their ids."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        full = [{"entry": uuid.uuid4().hex, "time": now, "run": self.run, **e} for e in entries]
        text = "".join(json.dumps(e, sort_keys=True, default=str) + "\n" for e in full)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as f:
            if f.tell() > 0:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":  # the last run was killed mid-line
                    text = "\n" + text
            f.write(text.encode())
            f.flush()
            os.fsync(f.fileno())
        return [e["entry"] for e in full]

    def _find(self, entry_id: str) -> dict[str, Any]:
        for e in reversed(list(self.entries())):
            if e["entry"] == entry_id:
                return e
        raise KeyError(entry_id)

    def sent(self, *, target: str, year: int, establishment: str, obj: str, key: str,
             action: str, method: str, endpoint: str, payload_hash: str | None,
             **extra: Any) -> str:
        """Record a request about to leave; returns the id its outcome refers to."""
        return self.append(phase="sent", target=target, year=year, establishment=establishment,
                           object=obj, key=key, action=action, method=method,
                           endpoint=endpoint, payload_hash=payload_hash, **extra)

    def outcome(self, sent_id: str, phase: str, *, http_status: int | None = None,
                ids: list[str] | None = None, errors: list[str] | None = None,
                unverified: bool = False) -> None:
        """Record how the request ``sent_id`` ended: ``done``, ``failed`` or ``uncertain``.
        ``unverified``: saved, but what the server saved is not what was meant (a submission
        whose cases are not exactly the year's): no fingerprint is kept, so the ledger never
        vouches for it."""
        first = self._find(sent_id)
        keep = {k: first[k] for k in ("target", "year", "establishment", "object", "key",
                                      "action", "method", "endpoint", "payload_hash")}
        for k in ("fingerprint", "known_submissions"):
            if k in first:
                keep[k] = first[k]
        if unverified:
            keep["fingerprint"], keep["unverified"] = None, True
        self.append(phase=phase, ref=sent_id, http_status=http_status, ids=ids or [],
                    errors=errors or [], **keep)

    def items(self, sent_id: str, items: list[dict[str, Any]], phase: str, *,
              http_status: int | None = None, errors: list[str] | None = None) -> None:
        """Record each object of the array request ``sent_id`` (dicts with ``phase``, ``key``,
        ``ids``, ``errors``, ``payload_hash``), then the request's own outcome ``phase``."""
        first = self._find(sent_id)
        keep = {k: first[k] for k in ("target", "year", "establishment", "object", "action",
                                      "method", "endpoint")}
        lines = [{**keep, "ref": sent_id, **item} for item in items]
        lines.append({**keep, "phase": phase, "ref": sent_id, "key": first["key"],
                      "http_status": http_status, "ids": [], "errors": errors or [],
                      "payload_hash": first.get("payload_hash")})
        self._write(lines)

    def found(self, *, target: str, year: int, establishment: str, obj: str, key: str,
              ids: list[str], payload_hash: str | None = None, **extra: Any) -> None:
        """Record what the server was found to hold (when resuming or reconciling)."""
        self.append(phase="found", target=target, year=year, establishment=establishment,
                    object=obj, key=key, ids=ids, payload_hash=payload_hash, **extra)

    def state(self, target: str, year: int, establishment: str) -> HeldState:
        """Fold the ledger into what ``target`` holds for ``establishment`` in ``year``."""
        st = HeldState()
        open_: dict[str, dict[str, Any]] = {}
        writes: set[str] = set()  # year writes sent since the last submission, not refused
        saved: set[str] = set()  # requests that saved at least one object
        self._refresh()
        for e in list(self._by_establishment.get((target, establishment), [])):
            obj, phase = e.get("object"), e.get("phase")
            same_year = e.get("year") == year
            if obj != "establishment" and not same_year:
                continue
            if phase == "sent":
                open_[e["entry"]] = e
                if e.get("action") in ("create", "edit") and obj != "establishment":
                    writes.add(e["entry"])
                continue
            ref = e.get("ref", "")
            if phase in ("done", "failed", "checked"):  # "uncertain" stays open
                open_.pop(ref, None)
            if phase == "done":
                saved.add(ref)
            elif phase == "failed" and ref not in saved:  # refused: changed nothing
                writes.discard(ref)
            if phase == "failed" and e.get("errors"):
                st.last_error = "; ".join(e["errors"])
            if phase not in ("done", "found") or not e.get("ids"):
                continue
            first_id, h = str(e["ids"][0]), e.get("payload_hash")
            if obj == "establishment":
                st.establishment_id, st.establishment_hash = first_id, h
            elif obj == "form300A":
                st.form300a_id, st.form300a_hash = first_id, h
            elif obj == "caseData":
                st.cases[str(e["key"])] = (first_id, h)
            elif obj == "submission":
                if all(s["id"] != first_id for s in st.submissions):
                    st.submissions.append({"id": first_id, "time": e["time"]})
                if phase == "done" or e.get("fingerprint"):
                    st.submitted_fingerprint = e.get("fingerprint")
                writes.clear()
        st.pending = list(open_.values())
        st.dirty = bool(writes)
        return st

    def establishments(self, target: str | None = None, year: int | None = None) -> list[str]:
        """Names of establishments the ledger mentions (for a target and year)."""
        names: dict[str, None] = {}
        for e in self.entries():
            if (target is None or e.get("target") == target) and \
                    (year is None or e.get("year") == year):
                names[e["establishment"]] = None
        return list(names)

    def table(self) -> list[dict[str, Any]]:
        """Every line, as records (``pandas.DataFrame(ledger.table())`` shows them)."""
        cols = ("time", "run", "target", "year", "establishment", "object", "key", "action",
                "method", "endpoint", "phase", "http_status", "ids", "errors", "payload_hash")
        return [{c: e.get(c) for c in cols} for e in self.entries()]

    def targets(self) -> list[str]:
        return list(dict.fromkeys(e["target"] for e in self.entries() if "target" in e))
