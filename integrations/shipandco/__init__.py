"""Ship&co: a CSV for Ship&co's order import, and shipments polled back onto the notes."""

#: The code stored on this platform's rows (Integration.platform, Shipment.platform, Activity).
SHIPANDCO = "shipandco"
