"""Expectation suites: the reviewable JSON files under ``expectations/``, one per file kind.

GX logs and silently drops an expectation whose ``type`` it does not know, so the
loader compares the count it built with the count in the file and fails loudly.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from oshakit.errors import OshakitError
from oshakit.schema import KINDS

#: Where the suites live: ``OSHAKIT_EXPECTATIONS`` or ``expectations/`` at the repository root.
SUITE_DIR = Path(
    os.environ.get("OSHAKIT_EXPECTATIONS", Path(__file__).resolve().parents[2] / "expectations")
)
SEVERITIES = ("error", "warning")


class SuiteError(OshakitError):
    """A suite file is missing, malformed, or lost expectations when built."""


def suite_path(kind: str, directory: Path | None = None) -> Path:
    return (directory or SUITE_DIR) / f"{Path(KINDS[kind].filename).stem}.json"


@cache
def read_suite(kind: str, directory: Path | None = None) -> dict[str, Any]:
    """The suite of ``kind`` as plain JSON data, checked for ids, severities and messages."""
    path = suite_path(kind, directory)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SuiteError(f"cannot read expectation suite {path}: {exc}") from exc
    ids = set()
    for i, e in enumerate(doc.get("expectations", [])):
        meta = e.get("meta") or {}
        missing = [k for k in ("id", "severity", "message") if not meta.get(k)]
        if missing or meta["severity"] not in SEVERITIES or meta["id"] in ids:
            raise SuiteError(
                f"{path.name}: expectation {i} ({e.get('type')}) needs a unique meta.id, "
                f"severity error|warning and a message (problem: {missing or meta})"
            )
        ids.add(meta["id"])
    return doc


def build_suite(doc: dict[str, Any], expectations: list[dict[str, Any]] | None = None) -> Any:
    """A ``gx.ExpectationSuite`` from ``doc`` (optionally only some of its expectations).

    Raises :class:`SuiteError` when GX built fewer expectations than given.
    """
    from oshakit.validate.context import gx

    exps = doc["expectations"] if expectations is None else expectations
    suite = gx.ExpectationSuite(name=doc["name"], expectations=exps, meta=doc.get("meta", {}))
    if len(suite.expectations) != len(exps):
        built = {e.meta.get("id") for e in suite.expectations}
        lost = [f"{e['meta']['id']} ({e['type']})" for e in exps if e["meta"]["id"] not in built]
        raise SuiteError(f"suite {doc['name']}: GX dropped {len(lost)} expectation(s): {lost}")
    return suite


def load_suites(directory: Path | None = None) -> dict[str, Any]:
    """Every kind's suite built into GX (checks that nothing is dropped)."""
    return {kind: build_suite(read_suite(kind, directory)) for kind in KINDS}
