"""Where a notebook writes and which year it shows, the same way whatever the working folder.

- :func:`out_dir`: a notebook's ``out_dir`` parameter, or by default
  ``reports/notebooks/<notebook>/`` at the root of the repository (or project) the
  notebook belongs to — never a ``reports/`` folder next to the notebook.
- :func:`for_year`: a result's year — the latest the bundle covers when none is given; a
  year the bundle does not cover is refused at once, naming the years it does.
- :func:`notebook_href`: a link to an output that stays valid in the executed notebook
  and its HTML copy wherever the report folder is moved.
"""

from __future__ import annotations

import os
from pathlib import Path

from oshakit.result import Result

#: The folder runs write into, at the root of a project.
REPORTS = "reports"
#: Where notebooks run by hand write, under :data:`REPORTS`.
NOTEBOOKS = "notebooks"
_PACKAGE = Path(__file__).resolve().parents[1]


def project_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working folder) that holds a
    ``reports/`` folder or a ``pyproject.toml``; else the repository the kit was installed
    from (an editable install); else None."""
    here = Path(start) if start is not None else Path.cwd()
    for folder in (here.resolve(), *here.resolve().parents):
        if (folder / REPORTS).is_dir() or (folder / "pyproject.toml").is_file():
            return folder
    repo = _PACKAGE.parent
    if (repo / "pyproject.toml").is_file() and (repo / "notebooks").is_dir():
        return repo
    return None


def reports_dir(start: str | Path | None = None) -> Path:
    """``reports/`` at the project root (:func:`project_root`), else in the working folder."""
    root = project_root(start)
    return (root if root is not None else Path.cwd()) / REPORTS


def out_dir(value: str | Path | None, notebook: str) -> Path:
    """The folder a notebook writes into: ``value`` when given (relative to the working
    folder), else ``reports/notebooks/<notebook>/`` at the project root."""
    if value is not None:
        return Path(value)
    return reports_dir() / NOTEBOOKS / notebook


def for_year(result: Result, year: int | None = None) -> Result:
    """``result`` for one year: ``year``, or the latest year the bundle covers. A year the
    bundle does not cover is refused (``OshakitError`` naming the years it covers)."""
    from oshakit.result import check_year

    if year is None:
        if result.year is not None:
            return result
        if not result.years:
            check_year(0, result.years)  # refuses, saying the bundle covers no year
        year = max(result.years)
    return result.select(year=int(year))  # refuses a year the bundle does not cover


def check_years(covered: Result | object, *years: object) -> None:
    """Refuse at once any of ``years`` (ints, lists of ints or None) that the bundle does
    not cover, naming the years it does. ``covered``: a Result, or a loaded Bundle."""
    from oshakit.pipeline import bundle_years
    from oshakit.result import check_year

    known = covered.years if isinstance(covered, Result) else bundle_years(covered)
    for value in years:
        if value is None:
            continue
        for year in (value if isinstance(value, list | tuple) else [value]):
            check_year(year, known)


def notebook_href(path: str | Path, notebook: str) -> str:
    """``path`` relative to the folder the notebook (and its HTML copy) is in.

    The batch runs each notebook in its artifacts folder ``<unit>/<notebook>/`` and writes
    the executed notebook and HTML copy as ``<unit>/<notebook>.ipynb|.html``: there the
    link is relative to the parent of the working folder. Run by hand, a notebook's working
    folder is its own folder."""
    cwd = Path.cwd().resolve()
    base = cwd.parent if cwd.name == notebook else cwd
    return Path(os.path.relpath(Path(path).resolve(), base)).as_posix()
