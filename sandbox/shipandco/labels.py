"""The fake label PDF behind ``delivery.label`` (``/labels/{id}.pdf``)."""

from __future__ import annotations

from sandbox.common.pdf import render_label_pdf
from sandbox.common.web import HttpError, Response
from sandbox.shipandco.facts import CARRIERS
from sandbox.shipandco.state import ShipandcoState


def label_response(state: ShipandcoState, shipment_id: str) -> Response:
    """Serve a fake label; public like the real (unguessable) label links."""
    shipment = state.find_shipment(shipment_id)
    if shipment is None:
        raise HttpError(404, "Label not found")
    setup, delivery, address = shipment["setup"], shipment["delivery"], shipment["to_address"]
    requested = " ".join(filter(None, (setup.get("date"), setup.get("time"))))
    lines = [
        "Ship&co SANDBOX - NOT A REAL LABEL" + ("  [TEST]" if shipment["test"] else ""),
        f"{CARRIERS[delivery['carrier']][0]} / {delivery['method']}",
        f"Ref: {setup['ref_number']}",
        f"Ship date: {setup['shipment_date']}   State: {shipment['state']}",
        *([f"Delivery requested: {requested}"] if requested else []),
        *[f"Tracking: {n}" for n in delivery["tracking_numbers"]],
        f"To: {address['zip']} {address['country']}",
        f"   {address['full_name']} {address['company']}",
        f"   {address['province']} {address['city']} {address['address1']}",
        "(non-Latin characters print as ?)",
    ]
    return Response(
        200,
        render_label_pdf(lines),
        [
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", f'inline; filename="label-{shipment_id}.pdf"'),
        ],
    )
