"""The embedded Unicode font every form uses: DejaVu Sans, as shipped with matplotlib.

Reportlab's built-in Helvetica is WinAnsi only and not embedded, so real names such as
"Łukasz Żółć" would print as boxes. matplotlib (a dependency of the kit) ships DejaVu Sans;
we find its files through the import system without importing matplotlib itself.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from oshakit.errors import OshakitError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def font_dir() -> Path:
    """The folder of matplotlib's bundled TTF fonts (``mpl-data/fonts/ttf``)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise OshakitError("matplotlib is not installed: it provides the DejaVu Sans font")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; return their names."""
    folder = font_dir()
    for name, file in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        path = folder / file
        if not path.is_file():
            raise OshakitError(f"font file not found: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return REGULAR, BOLD
