"""An ephemeral Great Expectations context: no project folder, no analytics, no progress bars.

This module is the only place the kit imports Great Expectations (3-4 s), and it
switches analytics off in the environment *before* the import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402

__all__ = ["gx", "new_context", "no_fingerprint"]


def new_context() -> Any:
    """A fresh in-memory context with progress bars off and no default Data Docs site."""
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    for site in list(ctx.get_config().data_docs_sites or {}):
        ctx.delete_data_docs_site(site)
    return ctx


@contextmanager
def no_fingerprint() -> Iterator[None]:
    """Skip GX's ``pandas_data_fingerprint`` while validating.

    GX hashes every batch frame twice for that marker (metadata only; nothing checks it)
    and already skips it for frames over ``HASH_THRESHOLD`` bytes (1 GB). Hashing was
    4 of 10 s of GX time on a million encounters, so the threshold is 0 inside this block.
    """
    from great_expectations.execution_engine import pandas_execution_engine as engine

    saved = getattr(engine, "HASH_THRESHOLD", None)
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        if saved is not None:
            engine.HASH_THRESHOLD = saved
