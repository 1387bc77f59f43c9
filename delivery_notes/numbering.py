"""The number a new note is offered: the brand's pattern (prefix + zero-padded running number).

The next running number follows the highest one already used with that prefix (imported and
hand-typed numbers count too, so a suggestion never collides with them); a number typed by hand
is kept as typed. Runs inside the brand scope: DeliveryNote.objects sees this brand's notes only.
"""

from __future__ import annotations

import re

from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr

from brands.models import Brand
from delivery_notes.models import DeliveryNote


def format_number(brand: Brand, running: int) -> str:
    return f"{brand.note_number_prefix}{running:0{brand.note_number_digits}d}"


def suggest_number(brand: Brand) -> str:
    """The brand's next free number in its pattern, e.g. DN-00043 after DN-00042."""
    prefix = brand.note_number_prefix
    # At most 18 digits: the running number is compared as a 64-bit integer on the database, so
    # "DN-100" follows "DN-00099" (padded or not, as people typed them).
    pattern = rf"^{re.escape(prefix)}[0-9]{{1,18}}$"
    running_number = Cast(Substr("number", len(prefix) + 1), BigIntegerField())
    highest = DeliveryNote.objects.filter(number__regex=pattern).aggregate(
        highest=Max(running_number)
    )["highest"]
    running = (highest or 0) + 1
    candidate = format_number(brand, running)
    while DeliveryNote.objects.filter(number=candidate).exists():  # a padded twin (DN-042)
        running += 1
        candidate = format_number(brand, running)
    return candidate
