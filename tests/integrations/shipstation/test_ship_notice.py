"""ShipStation ship notices: the reference's example parsed exactly, partial shipments, and hostile
bodies refused at once with a clear ShipNoticeError."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integrations.shipstation import facts
from integrations.shipstation.custom_store.export import Party
from integrations.shipstation.custom_store.ship_notice import (
    MAX_BODY_BYTES,
    ShipNoticeError,
    ShipNoticeItem,
    parse_ship_notice,
)

REFERENCE_QUERY = {
    "action": "shipnotify",
    "order_number": "DN-2026-00081",
    "carrier": "Other",
    "service": "",
    "tracking_number": "123456789012",
}

REFERENCE_BODY = b"""<?xml version="1.0" encoding="utf-8"?>
<!-- POST <url>?action=shipnotify&order_number=DN-2026-00081&carrier=Other&service=&tracking_number=123456789012 -->
<ShipNotice>
  <OrderNumber>DN-2026-00081</OrderNumber><OrderID>81</OrderID><CustomerCode>buyer@shop.example</CustomerCode>
  <CustomerNotes></CustomerNotes><InternalNotes></InternalNotes><NotesToCustomer>Thank you</NotesToCustomer>
  <NotifyCustomer>false</NotifyCustomer><LabelCreateDate>11/22/2026 01:12</LabelCreateDate><ShipDate>11/22/2026</ShipDate>
  <Carrier>Other</Carrier><Service></Service><TrackingNumber>123456789012</TrackingNumber>
  <ShippingCost>980.00</ShippingCost><CustomField1>PO-7781</CustomField1>
  <Recipient><Name>Sato Hanako</Name><Company>Select Shop Aoyama</Company><Address1>5-1-1 Minami-Aoyama</Address1>
    <City>Minato-ku</City><State>Tokyo</State><PostalCode>107-0062</PostalCode><Country>JP</Country></Recipient>
  <Items><Item><LineItemID>DNL-81-1</LineItemID><SKU>TS-001-BLK-M</SKU><Name>Linen shirt</Name>
    <Quantity>2</Quantity></Item></Items>
</ShipNotice>
"""


def notice_body(inner: str, root: str = "ShipNotice") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{inner}</{root}>'.encode()


def assert_refused_quickly(body: bytes, match: str, query=None) -> ShipNoticeError:
    started = time.perf_counter()
    with pytest.raises(ShipNoticeError, match=match) as caught:
        parse_ship_notice(body, query or {})
    assert time.perf_counter() - started < 1.0
    assert caught.value.message == str(caught.value)
    return caught.value


# --- The reference example ------------------------------------------------------------------


def test_reference_example_parsed_exactly():
    notice = parse_ship_notice(REFERENCE_BODY, REFERENCE_QUERY)
    assert notice.order_id == "81"
    assert notice.order_number == "DN-2026-00081"
    assert notice.customer_code == "buyer@shop.example"
    assert notice.customer_notes == "" and notice.internal_notes == ""
    assert notice.notes_to_customer == "Thank you"
    assert notice.notify_customer is False
    assert notice.shipstation_emailed_buyer is True  # NotifyCustomer=false: ShipStation did
    assert notice.label_created_at == datetime(2026, 11, 22, 1, 12, tzinfo=UTC)
    assert notice.ship_date == date(2026, 11, 22)
    assert notice.shipped_on == date(2026, 11, 22)
    assert notice.carrier == "Other"
    assert notice.service == ""
    assert notice.tracking_number == "123456789012"
    assert notice.shipping_cost == Decimal("980.00")
    assert notice.custom_fields == ("PO-7781", "", "")
    assert notice.recipient == Party(
        name="Sato Hanako",
        company="Select Shop Aoyama",
        address1="5-1-1 Minami-Aoyama",
        city="Minato-ku",
        state="Tokyo",
        postal_code="107-0062",
        country="JP",
    )
    assert notice.items == (
        ShipNoticeItem(line_item_id="DNL-81-1", sku="TS-001-BLK-M", quantity=2, name="Linen shirt"),
    )
    assert notice.from_body is True
    assert notice.dedupe_key == "123456789012"


def test_notify_customer_true_means_shipstation_did_not_email():
    assert facts.NOTIFY_CUSTOMER_TRUE_MEANS_NOT_EMAILED
    notice = parse_ship_notice(
        notice_body("<OrderID>1</OrderID><NotifyCustomer>true</NotifyCustomer>"), {}
    )
    assert notice.notify_customer is True
    assert notice.shipstation_emailed_buyer is False
    unsaid = parse_ship_notice(notice_body("<OrderID>1</OrderID>"), {})
    assert unsaid.notify_customer is None and unsaid.shipstation_emailed_buyer is None


def test_cdata_values_are_trimmed_and_carrier_kept_raw():
    body = notice_body(
        "<OrderID><![CDATA[ 81 ]]></OrderID>"
        "<Carrier>\n  <![CDATA[Yamato Transport]]>\n</Carrier>"
        "<Service><![CDATA[TA-Q-BIN]]></Service>"
        "<TrackingNumber> 1234-5678-9012 </TrackingNumber>"
        "<NotesToCustomer><![CDATA[ありがとうございます <3 ]]></NotesToCustomer>"
        "<CustomField2><![CDATA[a]]]]><![CDATA[>b]]></CustomField2>"
    )
    notice = parse_ship_notice(body, {"service": ""})
    assert notice.order_id == "81"
    assert notice.carrier == "Yamato Transport"  # never checked against a list
    assert notice.service == "TA-Q-BIN"  # the body's, the query's being empty
    assert notice.tracking_number == "1234-5678-9012"
    assert notice.notes_to_customer == "ありがとうございます <3"
    assert notice.custom_fields[1] == "a]]>b"


def test_query_fills_what_the_body_lacks_and_the_body_wins():
    body = notice_body("<OrderID>81</OrderID><Carrier>UPS</Carrier>")
    query = {
        "order_number": "DN-1",
        "carrier": "Other",
        "service": "Ground",
        "tracking_number": "1Z9",
    }
    notice = parse_ship_notice(body, query)
    assert (notice.order_number, notice.carrier, notice.service, notice.tracking_number) == (
        "DN-1",
        "UPS",
        "Ground",
        "1Z9",
    )


def test_namespaced_root_and_utf8_bom_are_accepted():
    body = "\ufeff".encode() + b'<ShipNotice xmlns="urn:x"><OrderID>5</OrderID></ShipNotice>'
    assert parse_ship_notice(body, {}).order_id == "5"


# --- Empty body: the query alone ------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_body_falls_back_to_the_query(body):
    notice = parse_ship_notice(body, REFERENCE_QUERY)
    assert notice.from_body is False
    assert notice.order_id == ""
    assert notice.order_number == "DN-2026-00081"
    assert notice.carrier == "Other"
    assert notice.service == ""
    assert notice.tracking_number == "123456789012"
    assert notice.items == ()


def test_empty_body_without_order_number_is_refused():
    assert_refused_quickly(b"", "order_number", {"carrier": "UPS"})


# --- Order identity and tracking --------------------------------------------------------------


def test_missing_order_identity_is_refused():
    assert_refused_quickly(notice_body("<TrackingNumber>1</TrackingNumber>"), "names no order")


def test_order_number_from_the_query_is_enough():
    notice = parse_ship_notice(
        notice_body("<TrackingNumber>1</TrackingNumber>"), {"order_number": "DN-9"}
    )
    assert notice.order_id == "" and notice.order_number == "DN-9"


def test_a_notice_without_tracking_is_still_a_shipment():
    assert facts.RECORD_SHIPMENT_WITHOUT_TRACKING
    inner = (
        "<OrderID>81</OrderID><Carrier>Other</Carrier><ShipDate>11/22/2026</ShipDate>"
        "<Items><Item><LineItemID>7</LineItemID><SKU>A</SKU><Quantity>1</Quantity></Item></Items>"
    )
    notice = parse_ship_notice(notice_body(inner), {})
    assert notice.tracking_number == ""
    assert notice.dedupe_key.startswith("untracked-")
    # a resend gives the same key, a different shipment another one
    assert parse_ship_notice(notice_body(inner), {}).dedupe_key == notice.dedupe_key
    other = parse_ship_notice(notice_body(inner.replace("<Quantity>1", "<Quantity>2")), {})
    assert other.dedupe_key != notice.dedupe_key
    assert len(notice.dedupe_key) <= 100


def test_shipped_on_falls_back_to_the_label_date():
    notice = parse_ship_notice(
        notice_body("<OrderID>1</OrderID><LabelCreateDate>1/2/2026 23:59</LabelCreateDate>"), {}
    )
    assert notice.ship_date is None and notice.shipped_on == date(2026, 1, 2)


# --- Items and partial shipments ----------------------------------------------------------------


def test_partial_shipment_items_add_up_per_line():
    inner = (
        "<OrderID>81</OrderID><TrackingNumber>T1</TrackingNumber><Items>"
        "<Item><LineItemID>11</LineItemID><SKU>A</SKU><Quantity>2</Quantity></Item>"
        "<Item><LineItemID>12</LineItemID><SKU>B</SKU><Quantity>1</Quantity></Item>"
        "<Item><LineItemID>11</LineItemID><SKU>A</SKU><Quantity>3</Quantity></Item>"
        "<Item><LineItemID>13</LineItemID><SKU>C</SKU><Quantity>0</Quantity></Item>"
        "<Item><SKU>NO-LINE</SKU><Quantity>4</Quantity><UPC>012345678905</UPC></Item>"
        "<Item><LineItemID>14</LineItemID><SKU>D</SKU><Quantity>2.0</Quantity></Item>"
        "</Items>"
    )
    notice = parse_ship_notice(notice_body(inner), {})
    assert [(i.line_item_id, i.sku, i.quantity) for i in notice.items] == [
        ("11", "A", 2),
        ("12", "B", 1),
        ("11", "A", 3),
        ("", "NO-LINE", 4),
        ("14", "D", 2),
    ]
    assert notice.quantities_by_line_item() == {"11": 5, "12": 1, "14": 2}


@pytest.mark.parametrize("quantity", ["-1", "abc", "1.5", "", "1e3", "100000", "٣"])
def test_bad_quantities_are_refused(quantity):
    item = f"<Item><LineItemID>9</LineItemID><Quantity>{quantity}</Quantity></Item>"
    inner = f"<OrderID>1</OrderID><Items>{item}</Items>"
    assert_refused_quickly(notice_body(inner), "Quantity")


def test_item_without_quantity_is_refused():
    inner = "<OrderID>1</OrderID><Items><Item><SKU>A</SKU></Item></Items>"
    assert_refused_quickly(notice_body(inner), "no Quantity")


# --- Bad values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inner",
    [
        "<ShipDate>2026-11-22</ShipDate>",
        "<ShipDate>13/45/2026</ShipDate>",
        "<LabelCreateDate>tomorrow</LabelCreateDate>",
    ],
)
def test_bad_dates_are_refused(inner):
    assert_refused_quickly(notice_body("<OrderID>1</OrderID>" + inner), "bad date")


@pytest.mark.parametrize("cost", ["abc", "NaN", "Infinity", "-5"])
def test_bad_shipping_cost_is_refused(cost):
    assert_refused_quickly(
        notice_body(f"<OrderID>1</OrderID><ShippingCost>{cost}</ShippingCost>"), "ShippingCost"
    )


# --- Hostile bodies ------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ShipNotice><OrderID>1</OrderID><NotesToCustomer>&lol9;</NotesToCustomer></ShipNotice>
"""


def test_billion_laughs_is_refused_at_once():
    assert_refused_quickly(BILLION_LAUGHS, "DTD")


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<ShipNotice><OrderID>&x;</OrderID></ShipNotice>",
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p;]>'
        b"<ShipNotice><OrderID>1</OrderID></ShipNotice>",
        b'<?xml version="1.0"?><!DOCTYPE ShipNotice SYSTEM "http://127.0.0.1:1/x.dtd">'
        b"<ShipNotice><OrderID>1</OrderID></ShipNotice>",
    ],
    ids=["external-entity", "external-parameter-entity", "external-dtd"],
)
def test_external_entities_and_dtds_are_refused(body):
    assert_refused_quickly(body, "DTD")


def test_entity_without_dtd_is_not_expanded():
    # an undeclared entity is simply malformed: nothing is fetched or expanded
    assert_refused_quickly(notice_body("<OrderID>&x;</OrderID>"), "not well-formed")


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"hello", "not well-formed"),
        (b'{"OrderID": 81}', "not well-formed"),
        (b"<ShipNotice><OrderID>1</OrderID>", "not well-formed"),
        (b"\xff\xfe\x00garbage", "not well-formed"),
        (b"<!DOCTYPE html><html><body>Login</body></html>", "DTD"),
        (b"<html><body><p>502 Bad Gateway</p></body></html>", "expected a <ShipNotice>"),
        (b"<html><body><br></body></html>", "not well-formed"),
        (b"<Orders pages='0'/>", "expected a <ShipNotice> document, got <Orders>"),
    ],
)
def test_not_a_ship_notice(body, match):
    assert_refused_quickly(body, match)


def test_huge_body_is_refused_unread():
    body = notice_body(
        "<OrderID>1</OrderID><NotesToCustomer>" + "x" * MAX_BODY_BYTES + "</NotesToCustomer>"
    )
    assert len(body) > MAX_BODY_BYTES
    assert_refused_quickly(body, "larger than")


def test_body_just_within_the_limit_is_read():
    head = notice_body("<OrderID>1</OrderID><NotesToCustomer></NotesToCustomer>")
    filler = "x" * (MAX_BODY_BYTES - len(head))
    body = notice_body(f"<OrderID>1</OrderID><NotesToCustomer>{filler}</NotesToCustomer>")
    assert len(body) == MAX_BODY_BYTES
    assert len(parse_ship_notice(body, {}).notes_to_customer) == len(filler)
