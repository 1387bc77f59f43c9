"""The documents' one font: IPAex Gothic, shipped in `fonts/` and embedded as a subset.

Why not reportlab's built-in Japanese CID fonts (HeiseiKakuGo-W5)? They are not embedded: the
viewer must have a Japanese font of its own, and without one (a fresh machine, many printers'
RIPs, pdftoppm here) every kana and kanji is a box. An embedded TrueType subset renders
everywhere and still costs only the glyphs used (about 20 KB for a one-page note).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "IPAexGothic"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "ipaexg.ttf"


@cache
def register_fonts() -> str:
    """Register the font with reportlab once per process; returns its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    # The font has one weight: "bold" in paragraphs (<b>) falls back to the same face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT)
    return FONT
