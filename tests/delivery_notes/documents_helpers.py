"""Reading generated PDFs back: the text of each page (pypdf), and an optional copy for a look."""

from __future__ import annotations

import io
import os
from pathlib import Path

from pypdf import PdfReader

# Set HAKOBU_PDF_DIR to keep every PDF a test reads (render them with pdftoppm to look at them).
KEEP_DIR = os.environ.get("HAKOBU_PDF_DIR")


def pdf_pages(data: bytes, *, keep_as: str | None = None) -> list[str]:
    """The extracted text of each page."""
    assert data.startswith(b"%PDF-"), data[:40]
    if KEEP_DIR and keep_as:
        Path(KEEP_DIR).mkdir(parents=True, exist_ok=True)
        Path(KEEP_DIR, f"{keep_as}.pdf").write_bytes(data)
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    """Text without white space: extraction may break a wrapped line anywhere."""
    return "".join(text.split())
