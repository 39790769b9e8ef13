"""GX Data Docs as static HTML in a folder of our choice (opens from disk, no server)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SITE = "oshakit"


def build_docs(context: Any, results: dict[str, Any], directory: str | Path) -> Path:
    """Render the suites and ``results`` (kind -> suite validation result) into ``directory``.

    Results are put in the context's store only now (validation itself skips the store:
    serialising complete results costs seconds on big bundles). Returns the index path.

    The pages load GX's CSS/JS from CDNs: opened offline they are unstyled but readable.
    """
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    for old in ("validations", "expectations"):  # pages of an earlier run would be listed too
        shutil.rmtree(directory / old, ignore_errors=True)
    if SITE in (context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(SITE)
    context.add_data_docs_site(site_name=SITE, site_config={
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    _store(context, results)
    context.build_data_docs(site_names=[SITE])
    index = directory / "index.html"
    _add_plain_links(index)
    return index


def _store(context: Any, results: dict[str, Any]) -> None:
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = RunIdentifier(run_name="oshakit", run_time=datetime.now(UTC))
    store = context.validation_results_store
    for kind, result in results.items():
        suite_id = ExpectationSuiteIdentifier(name=result.suite_name)
        key = ValidationResultIdentifier(expectation_suite_identifier=suite_id, run_id=run_id,
                                         batch_identifier=f"bundle-{kind}")
        result.meta["run_id"] = run_id
        if not store.has_key(key):
            store.set(key, result)


def _add_plain_links(index: Path) -> None:
    """GX's index lists validation results with CDN JavaScript; add plain links for offline use."""
    pages = sorted(index.parent.glob("validations/**/*.html"))
    if not pages or not index.exists():
        return
    items = "".join(
        f'<li><a href="{p.relative_to(index.parent).as_posix()}">{p.parts[-4]}</a></li>'
        for p in pages
    )
    block = (f'<div style="margin:1em"><h3>Validation results</h3><ul>{items}</ul>'
             "<p>(Pages load their styling from the internet; offline they are plain but "
             "complete.)</p></div>")
    html = index.read_text(encoding="utf-8")
    at = html.find(">", html.find("<body")) + 1
    index.write_text(html[:at] + block + html[at:], encoding="utf-8")
