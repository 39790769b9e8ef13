"""Static checks over everything a run writes: every HTML page (audit pack, notebook
reports, Data Docs) loads nothing from the network, and no record of the run holds an
absolute path (a zipped report folder must open anywhere)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from oshakit.validate.docs import offline

#: A remote asset or link in a page: src/href/url() to http(s) or protocol-relative.
REMOTE = re.compile(
    r"""(?:\bsrc|\bhref)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)


def remote_references(html: str) -> list[str]:
    return [html[max(0, m.start() - 60):m.end() + 60] for m in REMOTE.finditer(html)]


def test_every_page_of_a_run_loads_nothing_remote(sample_reports):
    pages = sorted(sample_reports.rglob("*.html"))
    kinds = {p.relative_to(sample_reports).parts[-1] for p in pages}
    assert {"index.html", "01_profile.html", "02_reconcile.html", "03_trends.html",
            "04_forms.html"} <= kinds
    assert any("data_docs" in p.parts and "validations" in p.parts for p in pages)
    for page in pages:
        assert remote_references(page.read_text(encoding="utf-8")) == [], page


def test_data_docs_say_pass_and_fail_in_words(sample_reports):
    docs = sample_reports / "_bundle" / "01_profile" / "data_docs"
    index = (docs / "index.html").read_text()
    assert "\u2713 passed" in index
    page = next((docs / "validations").rglob("*.html")).read_text()
    assert "\u2713 passed" in page and "fa-check-circle" not in page
    assert "Subscribe" not in page and "newsletter" not in page
    assert not (docs / "static" / "fonts").exists()   # GX's unused 4 MB of static files


def test_offline_rewrites_a_gx_page():
    page = ('<html><head><link rel="stylesheet" href="https://cdn.example/b.css">'
            '<script src="https://code.example/j.js"></script>'
            "<style>.x{background:url('https://s3.example/logo.png')}</style></head><body>"
            '<div class="float-left navbar-brand m-0 h-100"><a href="#"><img '
            'src="https://s3.example/logo.png" alt="GX"></a></div>'
            '<td><i class="fas fa-check-circle text-success" ></i></td>'
            '<td><i class="fas fa-times text-danger" aria-hidden="true"></i></td>'
            '<p>by <a href="https://greatexpectations.io">Great Expectations</a>.</p>'
            "<script>$('#x').modal();</script>"
            '<footer><p>Stay current <a href="https://x.example/newsletter">Subscribe</a></p>'
            "</footer></body></html>")
    out = offline(page)
    assert remote_references(out) == []
    assert '<span class="oshakit-pass">\u2713 passed</span>' in out
    assert '<span class="oshakit-fail">\u2717 failed</span>' in out
    assert "Subscribe" not in out and "$('#x')" not in out
    assert "by Great Expectations." in out
    assert "oshakit validation" in out


def test_data_docs_of_a_failing_bundle_show_the_failures(defects_dir, tmp_path):
    from oshakit.validate import validate

    v = validate(defects_dir, tmp_path)
    docs = v.docs_index.parent
    index = v.docs_index.read_text()
    assert "\u2717 failed" in index
    failing = [p for p in (docs / "validations").rglob("*.html")
               if "\u2717 failed" in p.read_text()]
    assert failing
    for page in docs.rglob("*.html"):
        assert remote_references(page.read_text()) == [], page


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def absolute(text: str) -> bool:
    return text.startswith(("/", "file:")) or bool(re.match(r"^[A-Za-z]:[\\/]", text))


def climbs_out(text: str, bases: list[Path], out: Path) -> bool:
    """A relative path that leaves ``out`` from every folder it could be relative to."""
    if ".." not in Path(text).parts:
        return False
    out = out.resolve()
    return all(out != (b / text).resolve() and out not in (b / text).resolve().parents
               for b in bases)


def test_no_absolute_path_in_the_records_of_a_run(sample_reports):
    """manifest.json, run.json, result.json, summary.json and the executed notebooks (all
    their metadata, papermill's included, and the parameters cell) hold no absolute path and
    no relative path climbing out of --out (the bundle is recorded by its folder's name)."""
    out = sample_reports.parent
    records = [sample_reports / "manifest.json", sample_reports / "run.json",
               sample_reports / "confidential" / "result" / "result.json",
               *sample_reports.rglob("run.json"), *sample_reports.rglob("summary.json")]
    assert any(r.name == "summary.json" for r in records)
    for record in records:
        data = json.loads(record.read_text())
        bad = [s for s in _strings(data) if absolute(s)
               or climbs_out(s, [record.parent, *record.parent.iterdir()], out)]
        assert bad == [], (record, bad)
    notebooks = sorted(sample_reports.rglob("*.ipynb"))
    assert notebooks
    for nb_path in notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        bases = [nb_path.parent, nb_path.parent / nb_path.stem]
        injected = [c.source for c in nb.cells
                    if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected, nb_path
        strings = [*_strings(dict(nb.metadata)),
                   *re.findall(r'"([^"]*)"', "\n".join(injected))]
        bad = [s for s in strings if absolute(s) or climbs_out(s, bases, out)]
        assert bad == [], (nb_path, bad)
        assert "input_path" not in nb.metadata.papermill
        assert "output_path" not in nb.metadata.papermill
    manifest = json.loads((sample_reports / "manifest.json").read_text())
    assert manifest["bundle"] == "sample"
    for entry in manifest["entries"]:
        for params in entry["parameters"].values():
            assert params.get("bundle", "sample") == "sample"


def test_no_absolute_link_in_any_page_of_a_run(sample_reports):
    root = str(Path(sample_reports).resolve())
    for page in sample_reports.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert not [h for h in hrefs if absolute(h)], page
        assert root not in html, page


NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_build_no_markdown_from_data(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "Markdown(" not in code


def test_data_docs_keep_the_status_but_not_the_values_of_protected_columns(sample_dir,
                                                                          tmp_path):
    """The Data Docs are shareable: a failed check on a date of birth, a ZIP code or the
    hire/birth pair says failed with its counts, but the values are only in the confidential
    findings.csv. A column that is not protected (sex) still shows its unexpected values."""
    import shutil

    import pandas as pd

    from oshakit.validate import validate

    bundle = tmp_path / "bundle"
    shutil.copytree(sample_dir, bundle)
    emp = pd.read_csv(bundle / "employees.csv", dtype=str, keep_default_na=False)
    emp.loc[3, "employees.birth_date"] = "2100-05-05"       # after 2099
    emp.loc[5, "employees.zip"] = "02X74"                   # not a ZIP code
    emp.loc[7, ["employees.birth_date", "employees.hire_date"]] = ["1994-03-17", "1993-06-21"]
    emp.loc[9, "employees.sex"] = "Q"
    emp.to_csv(bundle / "employees.csv", index=False)
    out = tmp_path / "out"
    v = validate(bundle, out)
    secrets = ("2100-05-05", "02X74", "1994-03-17", "1993-06-21")
    confidential = (out / "confidential" / "findings.csv").read_text(encoding="utf-8")
    assert all(s in confidential for s in ("2100-05-05", "02X74", "1993-06-21"))
    pages = {p: p.read_text(encoding="utf-8") for p in v.docs_index.parent.rglob("*.html")}
    for page, text in pages.items():
        assert [s for s in secrets if s in text] == [], page
    employees = next(t for p, t in pages.items() if "validations" in p.parts
                     and p.parent.parent.parent.name == "employees")
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", employees))
    assert re.search(r"employees\.birth_date Status Expectation Observed Value "
                     r"\u2717 failed values must be greater", plain)
    assert re.search(r"employees\.zip Status Expectation Observed Value \u2717 failed", plain)
    # two: row 7's pair, and row 3 born in 2100, after any hire date
    assert re.search(r"\u2717 failed Values in employees\.hire_date must always be greater "
                     r"than or equal to those in employees\.birth_date \. 2 unexpected", plain)
    assert re.search(r"Unexpected Value Count _line Q 1", plain)


def _stamps(root: Path) -> dict[Path, tuple[str, set[str]]]:
    """Every README.txt stamp under ``root``: its folder -> (fingerprint, files listed)."""
    out = {}
    for readme in root.rglob("README.txt"):
        text = readme.read_text(encoding="utf-8")
        fp = re.search(r"^fingerprint:\s+(\S+)$", text, re.M)
        listed = set(re.findall(r"^  (\S.*)$", text.split("\nfiles:\n", 1)[-1], re.M)) \
            if "\nfiles:\n" in text else set()
        out[readme.parent] = (fp.group(1) if fp else "", listed)
    return out


def test_every_output_of_a_run_is_covered_by_a_stamp_with_the_run_fingerprint(
        sample_reports):
    """Every file the manifest lists is listed by a README.txt stamp in its folder or a
    folder above it (within the year's folder) that names the run's fingerprint, as the
    stamp says; the whole-bundle unit (_bundle/: 01_profile) is stamped too; and the chart
    PNGs carry the fingerprint themselves."""
    from PIL import Image

    manifest = json.loads((sample_reports / "manifest.json").read_text())
    fingerprint = manifest["fingerprint"]
    stamps = _stamps(sample_reports)
    assert all(fp == fingerprint for fp, _ in stamps.values()), stamps
    assert (sample_reports / "_bundle" / "README.txt").is_file()
    assert json.loads((sample_reports / "_bundle" / "run.json").read_text())[
        "fingerprint"] == fingerprint
    uncovered = []
    for entry in manifest["entries"]:
        for out in entry["outputs"]:
            path = sample_reports / out["path"]
            covered = False
            for folder in path.parents:
                if folder in stamps and path.relative_to(folder).as_posix() in stamps[folder][1]:
                    covered = True
                if folder == sample_reports:
                    break
            covered = covered or path.name in ("README.txt", "run.json")
            if not covered:
                uncovered.append(out["path"])
    assert uncovered == []
    pngs = sorted(sample_reports.rglob("charts/*.png"))
    assert pngs
    for png in pngs:
        with Image.open(png) as im:
            assert fingerprint in im.text.get("Comment", ""), png


def test_every_link_of_the_data_docs_resolves(sample_reports):
    """Every relative href/src of every Data Docs page (the favicon of the validation
    result pages too) resolves to a file of the site."""
    from oshakit.report.pack import missing_links

    docs = sample_reports / "_bundle" / "01_profile" / "data_docs"
    pages = sorted(docs.rglob("*.html"))
    assert any("validations" in p.parts for p in pages)
    assert {p: missing_links(p) for p in pages if missing_links(p)} == {}
