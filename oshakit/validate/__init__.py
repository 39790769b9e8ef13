"""Profile and validate case bundles with Great Expectations.

Great Expectations is imported only when a validation runs (it costs seconds),
never by ``import oshakit`` or ``import oshakit.validate``::

    from oshakit.validate import validate
    v = validate("my_bundle/", out_dir="out/")  # findings.csv, summary.json, profile.csv,
                                                # data_docs/
    v.findings; v.summary; v.profile; v.ok
"""

from __future__ import annotations

from oshakit.validate.run import Validation, validate, validate_frames

__all__ = ["Validation", "validate", "validate_frames"]
