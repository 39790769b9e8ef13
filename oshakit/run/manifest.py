"""The run manifest ``reports/<year>/manifest.json``: what ran, how it went, what it wrote.

One entry per establishment-year (plus ``_bundle`` for the notebooks that look at the whole
bundle once per year): status ``ok`` / ``failed`` / ``skipped``, duration, parameters, the
input hash, every output file with its SHA-256, and on failure the notebook, cell and error.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
BUNDLE_UNIT = "_bundle"


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Entry:
    """One establishment-year (``unit`` is the establishment code, or ``_bundle``)."""

    unit: str
    year: int
    status: str  # "ok" | "failed" | "skipped"
    duration: float = 0.0  # seconds of this run (0 when skipped)
    ran_at: str | None = None  # UTC time the outputs were produced
    input_hash: str = ""
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # notebook -> params
    notebooks: list[dict[str, Any]] = field(default_factory=list)  # name, duration, cells
    outputs: list[dict[str, Any]] = field(default_factory=list)  # path, sha256, bytes
    error: dict[str, Any] | None = None  # notebook, cell, cell_index, ename, evalue

    def outputs_intact(self, root: Path) -> bool:
        """Whether every recorded output exists under ``root`` with its recorded checksum."""
        return bool(self.outputs) and all(
            (root / o["path"]).is_file() and sha256_file(root / o["path"]) == o["sha256"]
            for o in self.outputs
        )


@dataclass
class Manifest:
    """All entries of one year's reports folder."""

    path: Path
    year: int
    bundle: str = ""  # the bundle folder, relative to the year's folder
    fingerprint: str = ""  # of the one result every output of the year comes from
    policy: dict[str, Any] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Units of the ``run_batch`` call that returned this manifest (not saved).
    current: list[str] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent

    @classmethod
    def load(cls, path: str | Path, year: int) -> Manifest:
        """The manifest at ``path``, or an empty one when there is none (or it is unreadable)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = {e["unit"]: Entry(**e) for e in data["entries"]}
            return cls(path, int(data["year"]), data.get("bundle", ""),
                       data.get("fingerprint", ""), data.get("policy", {}), entries)
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path, year)

    def save(self) -> Path:
        """Write atomically (the batch saves after every establishment-year)."""
        data = {
            "year": self.year,
            "bundle": self.bundle,
            "fingerprint": self.fingerprint,
            "policy": self.policy,
            "entries": [asdict(e) for _, e in sorted(self.entries.items())],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
        return self.path

    def run_entries(self) -> list[Entry]:
        """Entries of the last run (every entry for a manifest read from disk)."""
        names = self.current or sorted(self.entries)
        return [self.entries[n] for n in names if n in self.entries]

    def with_status(self, status: str) -> list[Entry]:
        return [e for e in self.run_entries() if e.status == status]

    @property
    def failed(self) -> list[Entry]:
        return self.with_status("failed")

    @property
    def ok(self) -> bool:
        return not self.failed
