"""OSHA Forms 300, 300A and 301 and the privacy case list as PDFs (reportlab).

Import this package only when rendering: it loads reportlab and registers the embedded
DejaVu Sans font.
"""

from oshakit.forms.form300 import render_form300
from oshakit.forms.form300a import render_form300a
from oshakit.forms.form301 import render_form301
from oshakit.forms.privacy import privacy_frame, render_privacy
from oshakit.forms.render import preview_png, render_forms

__all__ = [
    "preview_png",
    "privacy_frame",
    "render_form300",
    "render_form300a",
    "render_form301",
    "render_forms",
    "render_privacy",
]
