"""Look at a run's pages the way an auditor's browser shows them (``make check-html``).

    python -m oshakit.report.screens reports/2025

renders, with headless Chromium and no network, the audit pack (``index.html``), the
Data Docs index and one validation page, and one notebook report (an establishment's
``02_reconcile.html``) to PNGs under ``<year folder>/screenshots/``. Not part of the test
suite: it needs a browser (Debian's ``chromium`` package).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--hide-scrollbars")


def pages(year_dir: Path) -> dict[str, Path]:
    """The pages to look at: name of the PNG -> HTML file."""
    out = {"audit_pack": year_dir / "index.html"}
    docs = year_dir / "_bundle" / "01_profile" / "data_docs"
    if (docs / "index.html").is_file():
        out["data_docs_index"] = docs / "index.html"
        first = sorted((docs / "validations").rglob("*.html"))
        encounters = [p for p in first if "encounters" in p.parts] or first
        if encounters:
            out["data_docs_validation"] = encounters[0]
    reports = sorted(year_dir.glob("*/02_reconcile.html"))
    if reports:
        out["notebook_02_reconcile"] = reports[0]
    return out


def screenshot(browser: str, page: Path, png: Path, size: str = "1400,2200") -> None:
    subprocess.run([browser, *FLAGS, f"--screenshot={png}", f"--window-size={size}",
                    page.resolve().as_uri()], check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 2
    year_dir = Path(args[0])
    if not (year_dir / "index.html").is_file():
        print(f"no audit pack in {year_dir}: run `make demo` (or `oshakit run`) first",
              file=sys.stderr)
        return 2
    browser = next((b for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        print("no Chromium found: apt-get install chromium (Debian), then make check-html",
              file=sys.stderr)
        return 2
    out = year_dir / "screenshots"
    out.mkdir(exist_ok=True)
    for name, page in pages(year_dir).items():
        png = out / f"{name}.png"
        screenshot(browser, page, png)
        print(f"{png}  <- {page.relative_to(year_dir).as_posix()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
