"""Label PDFs: one note's, or a selection's merged into one file to print in one go."""

from __future__ import annotations

import io
from collections.abc import Iterable

from pypdf import PdfReader, PdfWriter

from integrations.shipstation.models import ShipstationLabel
from integrations.shipstation.shipping.labels import label_pdf


def merged_pdf(labels: Iterable[ShipstationLabel]) -> tuple[bytes, int]:
    """Every page of every label, in order; (the PDF, how many labels went in)."""
    writer = PdfWriter()
    count = 0
    for label in labels:
        content = label_pdf(label)
        if not content:
            continue
        for page in PdfReader(io.BytesIO(content)).pages:
            writer.add_page(page)
        count += 1
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), count


def active_labels(note_ids: Iterable[int]) -> list[ShipstationLabel]:
    """The bought (not voided) labels of these notes, newest first per note."""
    return list(
        ShipstationLabel.objects.filter(note_id__in=list(note_ids), status="bought")
        .select_related("note")
        .order_by("note__number", "-created_at")
    )
