"""The chart value every chart function returns, and byte-stable saving.

Figures are built with ``matplotlib.figure.Figure`` on an explicit Agg canvas:
no pyplot, so no global figure registry, no display needed, and a user's own
pyplot backend in JupyterLab is left alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Okabe-Ito colours (readable by colour-blind readers and in grey print).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DPI = 120
#: File formats a chart is saved in: PNG (what reports show) and SVG (for print).
FORMATS = ("png", "svg")
#: Fixed SVG id salt: the same figure gives the same SVG bytes on every run.
SVG_SALT = "oshakit"


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure plus the numbers it plots (``data``), named for its files.

    Displays itself as PNG in Jupyter (``_repr_png_``), so a notebook cell that
    ends with a chart shows it. Once saved, it displays the saved PNG's bytes
    (what you see is the file, with no second rendering); after changing the
    figure, save again or call :meth:`png`.
    """

    name: str
    figure: Figure
    data: pd.DataFrame
    _saved_png: list[bytes] = field(default_factory=list, init=False, repr=False)

    def save(self, directory: str | Path, formats: tuple[str, ...] = FORMATS,
             fingerprint: str | None = None) -> dict[str, Path]:
        return save(self, directory, formats=formats, fingerprint=fingerprint)

    def png(self) -> bytes:
        """The figure rendered now as PNG."""
        return _png(self.figure)

    def _repr_png_(self) -> bytes:
        return self._saved_png[-1] if self._saved_png else self.png()


def _png(fig: Figure, comment: str | None = None) -> bytes:
    buf = io.BytesIO()
    meta = {"Software": None} | ({"Comment": comment} if comment else {})
    fig.savefig(buf, format="png", dpi=DPI, metadata=meta)
    return buf.getvalue()


def provenance(fingerprint: str) -> str:
    """The text a saved chart carries (PNG ``Comment``, SVG ``dc:description``): the
    fingerprint of the computation it was drawn from."""
    return f"Made by oshakit; fingerprint: {fingerprint}"


def years_label(years) -> str:
    """The years a chart covers, for its title: ``2025``, ``2023–2025``, ``2021, 2023``,
    ``no year``."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return "no year"
    if len(ys) > 1 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}\u2013{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def title(what: str, years, scope: str | None = None) -> str:
    """A chart title that says what it covers: ``what``, then ``PLT01, 2023–2025`` on a
    second line."""
    covered = years_label(years)
    return f"{what}\n{scope}, {covered}" if scope else f"{what}\n{covered}"


def footnote(fig: Figure, text: str) -> None:
    """A note under the chart (kept clear of the axes by the constrained layout); a second
    note goes on the next line."""
    before = fig.get_supxlabel()
    fig.supxlabel(f"{before}\n{text}" if before else text, fontsize=8, color="0.25",
                  ha="left", x=0.01, multialignment="left")


def new_figure(width: float = 8.0, height: float = 4.5, **kwargs) -> Figure:
    """A Figure on an Agg canvas with constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained", **kwargs)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure | Chart, directory: str | Path, name: str | None = None,
         formats: tuple[str, ...] = FORMATS, fingerprint: str | None = None
         ) -> dict[str, Path]:
    """Write ``<name>.png`` and ``<name>.svg`` (those of ``formats``) into ``directory``;
    same figure, same bytes. PNG and SVG carry no date or software version; SVG ids use a
    fixed salt. With ``fingerprint`` (the computation's), both files carry it
    (:func:`provenance`: the PNG's ``Comment`` text chunk, the SVG's description). Returns
    ``{"png": path, "svg": path}``.
    """
    comment = provenance(fingerprint) if fingerprint else None
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ValueError(f"chart formats are {', '.join(FORMATS)}, not {sorted(unknown)}")
    chart = fig if isinstance(fig, Chart) else None
    if chart is not None:
        name, fig = name or chart.name, chart.figure
    if not name:
        raise ValueError("save() needs a name for the files")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / f"{name}.{kind}" for kind in formats}
    if "png" in paths:
        png = _png(fig, comment)
        paths["png"].write_bytes(png)
        if chart is not None:
            chart._saved_png[:] = [png]
    if "svg" not in paths:
        return paths
    engine = fig.get_layout_engine()
    if "png" in paths:  # the SVG keeps the PNG's layout: one layout pass, not two
        fig.set_layout_engine("none")
    try:
        with matplotlib.rc_context({"svg.hashsalt": SVG_SALT}):
            fig.savefig(paths["svg"], format="svg", metadata={
                "Date": None, "Creator": None} | ({"Description": comment} if comment else {}))
    finally:
        fig.set_layout_engine(engine)
    return paths
