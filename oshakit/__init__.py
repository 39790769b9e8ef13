"""oshakit: audited OSHA injury and illness recordkeeping from case-management exports.

    import oshakit
    bundle = oshakit.load_bundle("my_bundle/")          # None: the shipped sample
    result = oshakit.run_pipeline(bundle, 2024, oshakit.Policy(as_of="2025-01-31"))
    result.log, result.summaries, result.checks, result.rates, result.fingerprint
    oshakit.render_forms(result, "forms/")              # every stage takes the Result

The stages, downstream only: ``bundle`` -> ``validate`` -> ``cases`` -> ``summary`` /
``rates`` -> ``forms``, ``ita``, ``charts``; ``run`` executes the notebooks. Great
Expectations, reportlab, matplotlib, papermill and requests load only when the
function that needs them is first used (``oshakit.validate_bundle``, ``oshakit.render_forms``,
``oshakit.run_batch``...), so ``import oshakit`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from oshakit.bundle import SAMPLE_BUNDLE, Bundle, load_bundle
from oshakit.cases import Policy, Reconciliation, reconcile
from oshakit.errors import (
    BundleError,
    GateRefused,
    InputError,
    ITAError,
    KernelError,
    OshakitError,
    PolicyError,
    StrictModeError,
)
from oshakit.ita.rules import ita_checks
from oshakit.pipeline import run as run_pipeline
from oshakit.rates import rates
from oshakit.result import Result
from oshakit.summary import summarize

__version__ = "0.1.0"

#: Public names whose modules import heavy libraries: loaded on first use.
_LAZY = {
    "validate_bundle": ("oshakit.validate", "validate"),
    "Validation": ("oshakit.validate", "Validation"),
    "render_forms": ("oshakit.forms", "render_forms"),
    "run_batch": ("oshakit.run", "run_batch"),
    "generate_sample": ("oshakit.sample", "generate"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'oshakit' has no attribute {name!r}")


__all__ = [
    "SAMPLE_BUNDLE",
    "Bundle",
    "BundleError",
    "GateRefused",
    "ITAError",
    "InputError",
    "KernelError",
    "OshakitError",
    "Policy",
    "PolicyError",
    "Reconciliation",
    "Result",
    "StrictModeError",
    "Validation",
    "__version__",
    "generate_sample",
    "ita_checks",
    "load_bundle",
    "rates",
    "reconcile",
    "render_forms",
    "run_batch",
    "run_pipeline",
    "summarize",
    "validate_bundle",
]
