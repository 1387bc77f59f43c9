"""What other apps may react to without delivery_notes knowing them (e.g. a platform that is sent
orders). Receivers run inside the caller's transaction: do work after commit."""

from django.dispatch import Signal

#: sender=DeliveryNote, note=<DeliveryNote>, event=
#:   "created" | "edited" | "cancelled";
#:   "shipment_requested" (staff planned a parcel: delivery_notes.shipment_requests);
#:   "shipped" (a person recorded a shipment in Hakobu; platform shipments send nothing, so a
#:   platform is never told of its own shipment).
note_changed = Signal()
