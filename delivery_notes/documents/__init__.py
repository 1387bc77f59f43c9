"""Printable documents of delivery notes (PDF, A4): the delivery note itself and the picking list.

Built with reportlab alone (pure pip install) and a Japanese font shipped in `fonts/`, embedded
as a subset, so a document renders the same in every viewer, even on a machine without any
Japanese font. Public entry points:

- `delivery_notes_pdf(notes, options, out)`: one or many delivery notes, each starting on a new
  page, numbered "1 / 3" within the note.
- `picking_list_pdf(notes, out)`: what is still to ship from the notes, grouped by location.

Both take notes loaded by `sources.document_notes` (lines and shipments prefetched) and write to
a binary file object.
"""

from delivery_notes.documents.delivery_note import DeliveryNoteOptions, delivery_notes_pdf
from delivery_notes.documents.picking_list import picking_list_pdf

__all__ = ["DeliveryNoteOptions", "delivery_notes_pdf", "picking_list_pdf"]
