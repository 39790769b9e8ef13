"""Execute the notebook pipeline with papermill, per establishment-year, on any Executor.

    from oshakit.run import run_batch
    manifest = run_batch("bundle/", 2025, "reports/", jobs=2)
    manifest.failed        # entries whose notebook failed: notebook, cell, error

papermill, nbconvert and jupyter_client load only when this package is imported.
"""

from oshakit.run.batch import (
    BATCH_NOTEBOOKS,
    batch_notebooks,
    execute_unit,
    notebook_parameters,
    run_batch,
)
from oshakit.run.manifest import Entry, Manifest

__all__ = ["BATCH_NOTEBOOKS", "Entry", "Manifest", "batch_notebooks", "execute_unit",
           "notebook_parameters", "run_batch"]
