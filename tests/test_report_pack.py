"""``oshakit.report.pack``: the audit pack ``reports/<year>/index.html``.

A pack rendered from a hand-made manifest (escaping, grouping, status), and the pack the
batch writes for the shipped sample (its links resolve, its numbers are the 300A's)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from oshakit import pipeline
from oshakit.report.pack import group_of, links, missing_links, render_pack

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "encounters_incidents.csv").write_text(
        "encounters.ext_id,encounters.pat_id,encounters.pat_id_type,incidents.inc_datetime,"
        "incidents.osha_work_related,incidents.osha_completed_dt,incidents.osha_itype,"
        "incidents.facility_code\n"
        "E1,P1,id:ext_id,2024-02-01,Yes,2024-02-02,I,E1\n"
        f"E2,P2,id:ext_id,2024-03-01,Yes,2024-03-02,I,{EVIL}\n")
    (folder / "employment.csv").write_text(
        "employment.establishment_code,employment.year,employment.annual_average_employees,"
        "employment.total_hours_worked,employment.peak_employees\n"
        f"E1,2024,10,20000,12\n{EVIL},2024,10,20000,12\n")
    return pipeline.run(folder)


def entry(unit, status="ok", outputs=(), error=None):
    return SimpleNamespace(unit=unit, status=status, error=error, ran_at="2025-01-02T03:04:05",
                           outputs=[{"path": p, "sha256": "0", "bytes": 2048} for p in outputs])


def manifest(tmp_path, entries):
    return SimpleNamespace(year=2024, root=tmp_path, path=tmp_path / "manifest.json",
                           bundle="../bundle", entries={e.unit: e for e in entries})


def test_every_value_from_the_data_is_escaped(tiny, tmp_path):
    m = manifest(tmp_path, [entry("E1", outputs=["E1/02_reconcile.html"]),
                            entry(EVIL, status="failed",
                                  error={"notebook": "02_reconcile.ipynb", "ename": "X",
                                         "evalue": "<script>alert(2)</script>"})])
    html = render_pack(tiny, m)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_status_line_per_establishment(tiny, tmp_path):
    m = manifest(tmp_path, [entry("E1"), entry("_bundle")])
    html = render_pack(tiny, m)
    row = re.search(r'<tr><td><a href="#est-E1">E1</a></td>(.*?)</tr>', html).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    # run, cases, G H I J K L M1..M6, TCR, DART: one other-recordable injury, 20,000 hours
    assert re.sub("<[^>]+>", "", cells[0]) == "ok"
    assert cells[1:14] == ["1", "0", "0", "0", "1", "0", "0", "1", "0", "0", "0", "0", "0"]
    assert cells[14:16] == ["10.00", "0.00"]   # TCR = 1 x 200,000 / 20,000; DART = 0
    assert tiny.fingerprint in html


def test_files_are_grouped_and_linked_relatively(tiny, tmp_path):
    files = ["E1/02_reconcile.html", "E1/02_reconcile.ipynb", "E1/02_reconcile/log.csv",
             "E1/02_reconcile/ita/ita_300a.csv", "E1/04_forms/E1/form300.pdf",
             "E1/04_forms/E1/confidential/form301.pdf", "E1/03_trends/charts/x.png",
             "E1/02_reconcile/run.json"]
    html = render_pack(tiny, manifest(tmp_path, [entry("E1", outputs=files)]))
    hrefs = [h for h in links(html) if not h.startswith("#")]
    assert set(files) <= set(hrefs)
    assert all(not h.startswith(("/", "file:", "http")) for h in hrefs)
    assert [group_of(f) for f in files] == ["reports", "notebooks", "tables", "ita", "forms",
                                            "confidential", "charts", "other"]


def test_a_folder_made_by_another_computation_is_flagged(tiny, tmp_path):
    (tmp_path / "E1" / "02_reconcile").mkdir(parents=True)
    (tmp_path / "E1" / "02_reconcile" / "run.json").write_text(
        json.dumps({"fingerprint": "0123456789abcdef"}))
    html = render_pack(tiny, manifest(tmp_path, [entry("E1",
                                                       outputs=["E1/02_reconcile/run.json"])]))
    assert "made by another computation: E1/02_reconcile (0123456789abcdef)" in html


# --- the pack of a real run (the shipped sample, 2024, PLT01) -------------------------

def test_the_batch_writes_the_pack_and_its_links_resolve(sample_reports):
    index = sample_reports / "index.html"
    assert index.is_file()
    assert missing_links(index) == []
    html = index.read_text()
    hrefs = [h for h in links(html) if not h.startswith("#")]
    for wanted in ("PLT01/02_reconcile.html", "PLT01/03_trends.html", "PLT01/04_forms.html",
                   "_bundle/01_profile/data_docs/index.html", "PLT01/04_forms/PLT01/form300.pdf",
                   "PLT01/02_reconcile/log.csv", "PLT01/03_trends/charts/pareto_natures.png",
                   "manifest.json"):
        assert wanted in hrefs, wanted
    assert (sample_reports / "run.json").is_file() and (sample_reports / "README.txt").is_file()


def test_the_pack_shows_the_filed_numbers(sample_reports):
    html = (sample_reports / "index.html").read_text()
    summary = pd.read_csv(sample_reports / "PLT01" / "02_reconcile" / "summary_300a.csv")
    plt01 = summary[(summary["establishment_code"] == "PLT01")].iloc[0]
    row = re.search(r'<tr><td><a href="#est-PLT01">PLT01</a></td>(.*?)</tr>', html).group(1)
    cells = [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    filed = [int(plt01[c]) for c in ("total_deaths", "total_dafw_cases", "total_djtr_cases",
                                     "total_other_cases", "total_dafw_days",
                                     "total_djtr_days")]
    assert [int(c.replace(",", "")) for c in cells[2:8]] == filed
    assert int(cells[1]) == sum(filed[:4])
    fingerprint = json.loads((sample_reports / "manifest.json").read_text())["fingerprint"]
    assert fingerprint in html


def test_pack_paths_are_relative(sample_reports):
    html = (sample_reports / "index.html").read_text()
    assert str(Path(sample_reports).resolve()) not in html


def _outside_confidential(html: str) -> str:
    """The page without its Confidential section (the one section that links confidential/)."""
    start = html.index('<section id="confidential"')
    end = html.index("</section>", start)
    return html[:start] + html[end:]


def test_confidential_files_are_listed_apart_and_the_rest_works_without_them(tiny, tmp_path):
    files = ["E1/02_reconcile.html", "E1/02_reconcile/log.csv", "E1/confidential/cases.csv",
             "E1/04_forms/E1/confidential/form301.pdf", "_bundle/confidential/findings.csv",
             "_bundle/01_profile/findings.csv"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x")
    html = render_pack(tiny, manifest(tmp_path, [
        entry("E1", outputs=files[:4]), entry("_bundle", outputs=files[4:])]))
    shared = _outside_confidential(html)
    secret = html[html.index('<section id="confidential"'):]
    assert "Confidential (keep out of what you share)" in secret
    for f in files:
        assert (f in links(secret)) == ("confidential" in f), f
        assert (f in links(shared)) == ("confidential" not in f), f
    assert "sent whole" not in html and "zipped and sent" not in html
    assert "zip -r 2024-shareable.zip 2024 -x &#x27;*/confidential/*&#x27;" in html


def test_a_copy_of_the_run_without_confidential_folders_has_no_broken_shareable_link(
        sample_reports, tmp_path):
    import shutil

    copy = tmp_path / "2024"
    shutil.copytree(sample_reports, copy)
    gone = [p for p in copy.rglob("confidential") if p.is_dir()]
    assert gone
    for folder in gone:
        shutil.rmtree(folder, ignore_errors=True)
    html = (copy / "index.html").read_text(encoding="utf-8")
    page = copy / "shared_part.html"
    page.write_text(_outside_confidential(html), encoding="utf-8")
    assert missing_links(page) == []
    assert any("confidential/" in h for h in links(html))  # they are linked, apart
