"""What other apps may react to without delivery_notes knowing them (e.g. a platform that is sent
orders). Receivers run inside the caller's transaction: do work after commit."""

from django.dispatch import Signal

#: sender=DeliveryNote, note=<DeliveryNote>, event="created" | "edited" | "cancelled"
note_changed = Signal()
