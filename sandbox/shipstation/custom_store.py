"""ShipStation's side of the Custom Store protocol: call the store's URL, read its XML, and
build the ship notice. Nothing here touches state (see :mod:`.refresh` for that).

``GET <url>?action=export&start_date=…&end_date=…&page=N`` and ``POST <url>?action=shipnotify&
order_number=…&carrier=…&service=…&tracking_number=…`` with HTTP Basic (or, when the store is set
up so, ``SS-UserName``/``SS-Password`` in the query). XML is parsed by expat into an
``xml.etree`` tree with any DOCTYPE refused outright, so no entity can ever expand.
"""

from __future__ import annotations

import base64
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlsplit
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from sandbox.shipstation import dates
from sandbox.shipstation.facts import (
    EMPTY_BODY_ERROR,
    HTTP_TIMEOUT,
    MAX_STORE_ANSWER,
    NOTICE_CONTENT_TYPE,
)


class XmlError(ValueError):
    """The store's answer is not a well-formed, DTD-free XML document."""


@dataclass
class Answer:
    """What the store answered: ``status`` None when no HTTP answer came at all."""

    status: int | None
    body: bytes = b""
    error: str | None = None


def dotnet_quote(value: str) -> str:
    """Form-encode like .NET's ``HttpUtility.UrlEncode``: ``01%2f23%2f2012+17%3a28``."""
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote_plus(value, safe=""))


def store_url(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` appended to whatever query it already has."""
    query = "&".join(f"{dotnet_quote(k)}={dotnet_quote(v)}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


def call_store(
    config: dict[str, Any],
    params: dict[str, str],
    *,
    body: bytes | None = None,
) -> Answer:
    """One HTTP call to the store (GET, or POST when ``body`` is given); never raises."""
    url = config.get("url") or ""
    if urlsplit(url).scheme not in ("http", "https"):
        return Answer(None, error=f"The store URL {url!r} is not an http(s) URL.")
    headers = {"User-Agent": "ShipStation sandbox (Hakobu)", "Accept": "application/xml"}
    if config.get("auth") == "query":
        params = {**params, "SS-UserName": config["username"], "SS-Password": config["password"]}
    else:
        pair = f"{config.get('username', '')}:{config.get('password', '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    if body is not None:
        headers["Content-Type"] = NOTICE_CONTENT_TYPE
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        store_url(url, params), data=body, headers=headers, method="POST" if body else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as reply:  # noqa: S310
            return Answer(reply.status, reply.read(MAX_STORE_ANSWER))
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read(MAX_STORE_ANSWER), f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(None, error=f"Could not reach the store: {reason}")


# --- reading the export ----------------------------------------------------------------------


def parse_xml(body: bytes) -> Element:
    """A tree from the store's bytes; :class:`XmlError` if empty, malformed or with a DOCTYPE."""
    if not body.strip():
        raise XmlError(EMPTY_BODY_ERROR)
    builder = TreeBuilder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: Any) -> None:
        raise XmlError("A DOCTYPE (DTD) is not allowed in a Custom Store answer.")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise XmlError(
            f"{expat.ErrorString(exc.code)}: line {exc.lineno}, column {exc.offset}."
        ) from None
    return builder.close()


def text(parent: Element | None, tag: str) -> str | None:
    """The stripped text of ``parent``'s first ``tag`` child (None when there is none)."""
    if parent is None:
        return None
    child = parent.find(tag)
    return None if child is None else (child.text or "").strip()


def _number(value: str | None, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{field} {value!r} is not a number") from None


def _address(parent: Element | None, *, ship: bool) -> dict[str, Any]:
    """A V1 address from ``BillTo``/``ShipTo``."""
    names = ("Name", "Company", "Address1", "Address2", "City", "State", "PostalCode", "Country")
    values = {name: text(parent, name) for name in (*names, "Phone")}
    return {
        "name": values["Name"],
        "company": values["Company"],
        "street1": values["Address1"] if ship else None,
        "street2": values["Address2"] if ship else None,
        "street3": None,
        "city": values["City"] if ship else None,
        "state": values["State"] if ship else None,
        "postalCode": values["PostalCode"] if ship else None,
        "country": values["Country"] if ship else None,
        "phone": values["Phone"],
        "residential": None,
    }


def parse_item(item: Element) -> dict[str, Any]:
    """One ``Items/Item`` as V1 item fields; ValueError names what is wrong."""
    sku, name, quantity = text(item, "SKU"), text(item, "Name"), text(item, "Quantity")
    if not sku or name is None:
        raise ValueError("an Item needs SKU and Name")
    if not quantity or not quantity.isdigit() or not 0 <= int(quantity) <= 99999:
        raise ValueError(f"Item {sku}: Quantity {quantity!r} is not 0-99999")
    weight = _number(text(item, "Weight"), f"Item {sku} Weight")
    options = [
        {"name": text(option, "Name"), "value": text(option, "Value")}
        for option in item.findall("Options/Option")
    ]
    return {
        "lineItemKey": text(item, "LineItemID") or None,
        "sku": sku,
        "name": name,
        "imageUrl": text(item, "ImageUrl"),
        "weight": None
        if weight is None
        else {"value": weight, "units": (text(item, "WeightUnits") or "Ounces").lower()},
        "quantity": int(quantity),
        "unitPrice": _number(text(item, "UnitPrice"), f"Item {sku} UnitPrice"),
        "warehouseLocation": text(item, "Location"),
        "upc": text(item, "UPC"),
        "adjustment": (text(item, "Adjustment") or "").lower() == "true",
        "options": options,
    }


def parse_order(order: Element) -> dict[str, Any]:
    """One ``Order`` as the fields the importer stores; ValueError names what is wrong."""
    required = ("OrderID", "OrderNumber", "OrderDate", "OrderStatus", "LastModified")
    values = {name: text(order, name) for name in required}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    try:
        order_date = dates.custom_parse(values["OrderDate"] or "")
        modified = dates.custom_parse(values["LastModified"] or "")
    except ValueError as exc:
        raise ValueError(f"{exc} (dates are MM/dd/yyyy HH:mm, UTC)") from None
    customer = order.find("Customer")
    bill_to = customer.find("BillTo") if customer is not None else None
    ship_to = customer.find("ShipTo") if customer is not None else None
    if ship_to is None:
        raise ValueError("missing Customer/ShipTo")
    custom = {f"customField{n}": text(order, f"CustomField{n}") for n in (1, 2, 3)}
    return {
        "OrderID": values["OrderID"],
        "OrderNumber": values["OrderNumber"],
        "OrderStatus": values["OrderStatus"],
        "orderDate": dates.stamp(order_date),
        "lastModified": dates.stamp(modified),
        "customerUsername": text(customer, "CustomerCode"),
        "customerEmail": text(bill_to, "Email"),
        "billTo": _address(bill_to, ship=False),
        "shipTo": _address(ship_to, ship=True),
        "items": [parse_item(item) for item in order.findall("Items/Item")],
        "amountPaid": _number(text(order, "OrderTotal"), "OrderTotal"),
        "taxAmount": _number(text(order, "TaxAmount"), "TaxAmount"),
        "shippingAmount": _number(text(order, "ShippingAmount"), "ShippingAmount"),
        "customerNotes": text(order, "CustomerNotes"),
        "internalNotes": text(order, "InternalNotes"),
        "gift": (text(order, "Gift") or "").lower() == "true",
        "giftMessage": text(order, "GiftMessage"),
        "paymentMethod": text(order, "PaymentMethod"),
        "requestedShippingService": text(order, "ShippingMethod"),
        "currency": text(order, "CurrencyCode"),
        "advancedOptions": {**custom, "source": text(order, "Source")},
        "requestedWarehouse": text(order, "RequestedWarehouse"),
    }


def read_export(root: Element) -> tuple[int, list[dict[str, Any]], list[str]]:
    """(pages, parsed orders, per-order problems) of one export page's tree."""
    if root.tag != "Orders":
        raise XmlError(f"The root element is <{root.tag}>, not <Orders>.")
    raw_pages = root.get("pages")
    if raw_pages is None or not raw_pages.strip().isdigit():
        raise XmlError(f'<Orders> needs a pages="N" attribute (got {raw_pages!r}).')
    orders, problems = [], []
    for index, element in enumerate(root.findall("Order"), 1):
        try:
            orders.append(parse_order(element))
        except ValueError as exc:
            label = text(element, "OrderNumber") or text(element, "OrderID") or f"#{index}"
            problems.append(f"Order {label}: {exc}")
    return int(raw_pages), orders, problems


# --- the ship notice -------------------------------------------------------------------------


def _el(name: str, value: Any, cdata: bool = False) -> str:
    if value is None or value == "":
        return f"<{name}></{name}>"
    value = str(value)
    if cdata:
        return f"<{name}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{name}>"
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<{name}>{escaped}</{name}>"


def ship_notice(order: dict[str, Any], label: dict[str, Any], options: dict[str, Any]) -> str:
    """The ``ShipNotice`` document for one label, element order as in the reference example."""
    cdata = bool(options.get("cdata"))
    ship_to = order["shipTo"] or {}
    custom = order.get("advancedOptions") or {}
    created = dates.from_stamp(label["createDate"])
    ship_day = dates.custom_day(dates.parse_iso(label["shipDate"]))
    recipient = [
        _el(tag, ship_to.get(key), cdata)
        for tag, key in (
            ("Name", "name"),
            ("Company", "company"),
            ("Address1", "street1"),
            ("Address2", "street2"),
            ("City", "city"),
            ("State", "state"),
            ("PostalCode", "postalCode"),
            ("Country", "country"),
        )  # fmt: skip
    ]
    items = [
        "<Item>"
        + _el("LineItemID", item["lineItemKey"], cdata)
        + _el("SKU", item["sku"], cdata)
        + _el("Name", item["name"], cdata)
        + _el("Quantity", item["quantity"])
        + "</Item>"
        for item in label["items"]
    ]
    parts = [
        _el("OrderNumber", order["orderNumber"], cdata),
        _el("OrderID", order["custom"]["OrderID"], cdata),
        _el("CustomerCode", order.get("customerUsername"), cdata),
        _el("CustomerNotes", order.get("customerNotes"), cdata),
        _el("InternalNotes", order.get("internalNotes"), cdata),
        _el("NotesToCustomer", options.get("notes_to_customer"), cdata),
        _el("NotifyCustomer", "true" if options.get("notify_customer") else "false"),
        _el("LabelCreateDate", dates.custom_format(created)),
        _el("ShipDate", ship_day),
        _el("Carrier", options["carrier"], cdata),
        _el("Service", options["service"], cdata),
        _el("TrackingNumber", label["trackingNumber"]),
        _el("ShippingCost", f"{label['shipmentCost']:.2f}"),
        *(_el(f"CustomField{n}", custom.get(f"customField{n}"), cdata) for n in (1, 2, 3)),
        "<Recipient>" + "".join(recipient) + "</Recipient>",
        "<Items>" + "".join(items) + "</Items>",
    ]
    return '<?xml version="1.0" encoding="utf-8"?>\n<ShipNotice>' + "".join(parts) + "</ShipNotice>"


def notice_params(
    order: dict[str, Any], label: dict[str, Any], options: dict[str, Any]
) -> dict[str, str]:
    """The query parameters of the ship-notice POST."""
    return {
        "action": "shipnotify",
        "order_number": order["orderNumber"],
        "carrier": options["carrier"],
        "service": options["service"],
        "tracking_number": label["trackingNumber"],
    }
