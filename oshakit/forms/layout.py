"""Shared page furniture and text fitting for the OSHA forms.

Everything is drawn straight on a reportlab canvas (no platypus): static parts of a page
(boxes, headings, instructions) are drawn once per document as a form XObject and reused on
every page, so each page only adds its own values. Text that does not fit its box is wrapped,
then shrunk, and only then shortened with an explicit marker; it is never cut silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from oshakit.forms.fonts import BOLD, REGULAR, register_fonts

LEGAL_LANDSCAPE = (1008.0, 612.0)
LETTER_LANDSCAPE = (792.0, 612.0)
PAPERS = {"legal": LEGAL_LANDSCAPE, "letter": LETTER_LANDSCAPE}

DOL = "U.S. Department of Labor"
OSHA = "Occupational Safety and Health Administration"
OMB = "Form approved OMB no. 1218-0176"
ATTENTION = (
    "Attention: This form contains information relating to employee health and must be "
    "used in a manner that protects the confidentiality of employees to the extent possible "
    "while the information is being used for occupational safety and health purposes."
)
BURDEN = (
    "Public reporting burden for this collection of information is estimated to average "
    "{minutes} minutes per response, including time to review the instructions, search and "
    "gather the data needed, and complete and review the collection of information. Persons "
    "are not required to respond to the collection of information unless it displays a "
    "currently valid OMB control number. If you have any comments about these estimates or "
    "any other aspects of this data collection, contact: US Department of Labor, OSHA Office "
    "of Statistical Analysis, Room N-3644, 200 Constitution Avenue, NW, Washington, DC 20210. "
    "Do not send the completed forms to this office."
)
MISSING = "(missing)"

BLACK = Color(0, 0, 0)
GREY = Color(0.45, 0.45, 0.45)
SHADE = Color(0.9, 0.9, 0.9)
RED = Color(0.75, 0, 0)


@dataclass(frozen=True)
class Footer:
    """What every page of a form says about the computation behind it: the result's
    fingerprint (also in the PDF's keywords) and, for an incomplete bundle, the notice."""

    fingerprint: str
    notice: str | None = None

    @classmethod
    def of(cls, result: Any) -> Footer:
        """The footer of a :class:`oshakit.result.Result`."""
        return cls(result.fingerprint, result.notice())


def new_canvas(path: str | Path, pagesize: tuple[float, float], title: str,
               footer: Footer | None = None) -> Canvas:
    """A canvas in reportlab's invariant mode: same input, same bytes (fixed dates and ids).
    With a ``footer``, its fingerprint goes into the PDF's keywords."""
    register_fonts()
    rl_config.invariant = 1
    c = Canvas(
        str(path),
        pagesize=pagesize,
        invariant=1,
        pageCompression=1,
        initialFontName=REGULAR,
        initialFontSize=8,
    )
    c.setTitle(title)
    c.setAuthor("oshakit")
    c.setCreator("oshakit")
    c.setSubject("OSHA recordkeeping (29 CFR Part 1904)")
    if footer is not None:
        c.setKeywords(f"oshakit fingerprint {footer.fingerprint}"
                      + (" incomplete-bundle" if footer.notice else ""))
    return c


def draw_footer(c: Canvas, footer: Footer | None) -> None:
    """Draw ``footer`` on the current page, in page coordinates (call it before any
    translate or scale of the page): the fingerprint along the bottom right edge and, for an
    incomplete bundle, a pale red watermark across the page with the notice in red above the
    fingerprint, where no form prints anything."""
    if footer is None:
        return
    w, h = c._pagesize
    c.saveState()
    if footer.notice:
        c.saveState()
        mark = "PREPARED FROM AN INCOMPLETE BUNDLE"
        c.setFillColor(RED, alpha=0.12)
        c.setFont(BOLD, min(40.0, 0.8 * w / pdfmetrics.stringWidth(mark, BOLD, 1)))
        c.translate(w / 2, h / 2)
        c.rotate(18)
        c.drawCentredString(0, 0, mark)
        c.restoreState()
        c.setFillColor(RED)
        c.setFont(BOLD, 5.5)
        c.drawRightString(w - 12, 13, footer.notice)
    c.setFillColor(GREY)
    c.setFont(REGULAR, 5.5)
    c.drawRightString(w - 12, 6, f"oshakit fingerprint {footer.fingerprint}")
    c.restoreState()


# --------------------------------------------------------------------------- values


def is_missing(value: Any) -> bool:
    """True for None, NaN, NA, NaT and blank strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: Any, missing: str = "") -> str:
    """A cell value as display text; ``missing`` for absent values."""
    if is_missing(value):
        return missing
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def fmt_date(value: Any, pattern: str = "%m/%d/%Y") -> str:
    """A date (datetime, Timestamp or ISO string) formatted; blank when missing."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, datetime | date):
        return value.strftime(pattern)
    return str(value)


def fmt_time(value: Any) -> str:
    """"HH:MM" (24 h) as OSHA's "h:MM AM/PM"; blank when missing."""
    if is_missing(value):
        return ""
    try:
        hh, mm = (int(p) for p in str(value).split(":")[:2])
    except ValueError:
        return str(value)
    return f"{(hh % 12) or 12}:{mm:02d} {'AM' if hh < 12 else 'PM'}"


def fmt_int(value: Any) -> str:
    """A whole number with thousands separators; blank when missing."""
    if is_missing(value):
        return ""
    return f"{math.ceil(float(value)):,}"


def as_int(value: Any) -> int:
    """A count as int, 0 when missing."""
    return 0 if is_missing(value) else int(value)


def as_bool(value: Any) -> bool | None:
    """A flag as True/False, None when missing."""
    return None if is_missing(value) else bool(value)


def chunks(n: int, size: int) -> Iterator[range]:
    """Row ranges of at most ``size`` rows; one empty range when ``n`` is 0."""
    if n == 0:
        yield range(0)
    for start in range(0, n, size):
        yield range(start, min(start + size, n))


# --------------------------------------------------------------------------- text fitting


def width(s: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(s, font, size)


def wrap(s: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap to ``max_width``; explicit newlines kept; long words broken."""
    out: list[str] = []
    space = width(" ", font, size)
    for para in s.splitlines() or [""]:
        line, line_w = "", 0.0
        for word in para.split():
            w = width(word, font, size)
            if line and line_w + space + w <= max_width:
                line, line_w = f"{line} {word}", line_w + space + w
                continue
            if line:
                out.append(line)
            while w > max_width:  # a word longer than the line: break it
                cut = len(word)
                while cut > 1 and width(word[:cut], font, size) > max_width:
                    cut = max(1, int(cut * max_width / width(word[:cut], font, size)) - 1)
                out.append(word[:cut])
                word = word[cut:]
                w = width(word, font, size)
            line, line_w = word, w
        out.append(line)
    return out


@dataclass(frozen=True)
class Fitted:
    """Text laid out in a box: font size, leading, lines, and whether it was shortened."""

    size: float
    leading: float
    lines: list[str]
    shortened: bool


def fit(
    s: str,
    box_width: float,
    box_height: float,
    font: str = REGULAR,
    sizes: Sequence[float] = (7, 6, 5.5, 5),
    marker: str = "… (continued on Form 301)",
) -> Fitted:
    """Fit ``s`` into a box: one line if it fits, else wrap, shrink, and finally shorten.

    Shortened text ends with ``marker`` (which says where the full text is).
    """
    if "\n" not in s and width(s, font, sizes[0]) <= box_width:
        return Fitted(sizes[0], sizes[0] * 1.12, [s] if s else [], False)
    for size in sizes:
        leading = size * 1.12
        max_lines = max(1, int((box_height + 0.1 * size) // leading))
        lines = wrap(s, font, size, box_width)
        if len(lines) <= max_lines:
            return Fitted(size, leading, lines, False)
    # Shorten at the smallest size: keep whole words, then add the marker.
    lines = lines[:max_lines]
    tail = lines[-1]
    words = tail.split()
    while words and width(" ".join(words) + " " + marker, font, size) > box_width:
        words.pop()
    if words:
        lines[-1] = " ".join(words) + " " + marker
    else:
        lines[-1] = marker
    return Fitted(size, leading, lines, True)


def draw_fitted(
    c: Canvas, f: Fitted, x: float, top: float, font: str = REGULAR, align: str = "left",
    box_width: float = 0.0,
) -> None:
    """Draw fitted lines with the first baseline just below ``top`` (page coordinates)."""
    c.setFont(font, f.size)
    y = top - f.size * 0.95
    for line in f.lines:
        if align == "center":
            c.drawCentredString(x + box_width / 2, y, line)
        else:
            c.drawString(x, y, line)
        y -= f.leading


def paragraph(
    c: Canvas, s: str, x: float, top: float, box_width: float, size: float,
    font: str = REGULAR, leading: float | None = None,
) -> float:
    """Draw wrapped text; return the y below its last line."""
    leading = leading or size * 1.2
    c.setFont(font, size)
    y = top - size
    for line in wrap(s, font, size, box_width):
        c.drawString(x, y, line)
        y -= leading
    return y + leading - size * 0.3


def field(
    c: Canvas, label: str, value: str, x: float, y: float, w: float, size: float = 8,
    label_size: float = 6.5, missing: bool = False,
) -> None:
    """A labelled fill-in line: value above the rule, label below it (as on OSHA's forms)."""
    c.setLineWidth(0.5)
    c.line(x, y, x + w, y)
    c.setFont(REGULAR, label_size)
    c.setFillColor(GREY)
    c.drawString(x, y - label_size - 1, label)
    c.setFillColor(RED if missing else BLACK)
    f = fit(value, w - 2, size * 1.1, sizes=(size, size - 1, size - 2), marker="…")
    c.setFont(REGULAR, f.size)
    c.drawString(x + 1, y + 2, f.lines[0] if f.lines else "")
    c.setFillColor(BLACK)


def checkbox(c: Canvas, x: float, y: float, checked: bool, size: float = 7) -> None:
    """A small square at (x, y) bottom-left, with an X when checked."""
    c.setLineWidth(0.6)
    c.rect(x, y, size, size, stroke=1, fill=0)
    if checked:
        c.setFont(BOLD, size)
        c.drawCentredString(x + size / 2, y + size * 0.12, "X")


def dol_block(c: Canvas, right: float, top: float) -> float:
    """The "U.S. Department of Labor / OSHA / Form approved OMB no." block, right-aligned."""
    c.setFont(BOLD, 8)
    c.drawRightString(right, top - 8, DOL)
    c.setFont(REGULAR, 7)
    c.drawRightString(right, top - 17, OSHA)
    c.setFont(REGULAR, 6.5)
    c.drawRightString(right, top - 27, OMB)
    return top - 30


def attention_box(c: Canvas, x: float, top: float, w: float, size: float = 6.5) -> float:
    """The confidentiality note in a box; returns its bottom y."""
    extra = width("Attention:", BOLD, size) - width("Attention:", REGULAR, size)
    lines = wrap(ATTENTION, REGULAR, size, w - 8 - extra)
    h = len(lines) * size * 1.2 + 6
    c.setLineWidth(0.8)
    c.rect(x, top - h, w, h, stroke=1, fill=0)
    y = top - 3 - size
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("Attention:"):
            c.setFont(BOLD, size)
            c.drawString(x + 4, y, "Attention:")
            c.setFont(REGULAR, size)
            c.drawString(x + 4 + width("Attention: ", BOLD, size), y, line[len("Attention: "):])
        else:
            c.setFont(REGULAR, size)
            c.drawString(x + 4, y, line)
        y -= size * 1.2
    return top - h


def burden(c: Canvas, x: float, top: float, w: float, minutes: int, size: float = 5.5) -> float:
    """OSHA's public reporting burden statement."""
    c.setFillColor(GREY)
    y = paragraph(c, BURDEN.format(minutes=minutes), x, top, w, size)
    c.setFillColor(BLACK)
    return y
