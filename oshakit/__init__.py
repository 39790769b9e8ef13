"""oshakit: audited OSHA injury and illness recordkeeping from case-management exports.

The public API, re-exported here; heavy parts (Great Expectations, reportlab,
papermill) load only when their functions are used.
"""

from __future__ import annotations

from oshakit.bundle import SAMPLE_BUNDLE, Bundle, load_bundle
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

__version__ = "0.1.0"

__all__ = [
    "SAMPLE_BUNDLE",
    "Bundle",
    "BundleError",
    "GateRefused",
    "ITAError",
    "InputError",
    "KernelError",
    "OshakitError",
    "PolicyError",
    "StrictModeError",
    "__version__",
    "load_bundle",
]
