"""Webshipper: two-way order sync, one direction chosen at set-up (seed 004, Rackbeat × Webshipper).

Hakobu → Webshipper: notes (on creation) or shipment requests (on shipment creation) go out
through the outbox as orders of the brand's order channel, with the shipping rate mapped from
the note's delivery terms; tracking comes back from Webshipper's shipments. Webshipper → Hakobu:
the channel's orders become notes, with customers and products created when missing. Webhooks
are hints to fetch; polling with the shared pull engine is the safety net.
"""

WEBSHIPPER = "webshipper"
