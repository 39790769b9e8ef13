"""Shared fixtures: the shipped sample bundle, a defects bundle, hand-made bundles."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

from oshakit.bundle import SAMPLE_BUNDLE, Bundle, load_bundle  # noqa: E402


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The sample bundle shipped inside the package."""
    return SAMPLE_BUNDLE


@pytest.fixture(scope="session")
def sample_bundle(sample_dir: Path) -> Bundle:
    return load_bundle(sample_dir)


@pytest.fixture(scope="session")
def sample_result(sample_bundle: Bundle):
    """The pipeline's result on the shipped sample, every year, default policy."""
    from oshakit.pipeline import run

    return run(sample_bundle)


@pytest.fixture(scope="session")
def defects_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle generated with every deliberate defect, and its ``defects.csv``."""
    from oshakit.sample import generate

    return Path(generate(tmp_path_factory.mktemp("defects"), defects=True))


@pytest.fixture(scope="session")
def sample_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``oshakit run`` of the shipped sample for 2024, establishment PLT01 (every batch
    notebook): the year's report folder ``<out>/2024``."""
    from oshakit.cli import main

    out = tmp_path_factory.mktemp("reports")
    code = main(["run", str(SAMPLE_BUNDLE), "--year", "2024", "--establishment", "PLT01",
                 "--out", str(out), "--jobs", "2", "--no-progress"])
    assert code == 0
    return out / "2024"


@pytest.fixture
def make_bundle() -> Callable[..., Bundle]:
    """Write CSV texts into a folder and load it: ``make_bundle(tmp_path, {name: text})``."""

    def make(folder: Path, files: dict[str, str | bytes], **kwargs) -> Bundle:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            data = text.encode("utf-8") if isinstance(text, str) else text
            (folder / name).write_bytes(data)
        return load_bundle(folder, **kwargs)

    return make
