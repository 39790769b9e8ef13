"""The public API: small, re-exported, and light to import."""

from __future__ import annotations

import subprocess
import sys

import oshakit

HEAVY = ("great_expectations", "reportlab", "matplotlib", "papermill", "requests")


def test_import_oshakit_loads_no_heavy_library():
    code = ("import sys, oshakit; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_every_public_name_resolves():
    for name in oshakit.__all__:
        assert getattr(oshakit, name) is not None, name


def test_lazy_names_are_the_stage_functions():
    from oshakit.validate import validate

    assert oshakit.validate_bundle is validate
    assert oshakit.generate_sample.__module__.startswith("oshakit.sample")


def test_pipeline_from_the_top_level_on_the_sample():
    result = oshakit.run_pipeline(None, 2024)
    # the 300A is the sum of the log: G..J counts add up to the number of log cases
    totals = result.summaries[["total_deaths", "total_dafw_cases", "total_djtr_cases",
                               "total_other_cases"]].to_numpy().sum()
    assert totals == len(result.rec.log)
