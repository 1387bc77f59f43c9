"""The Custom Store loop on state: "Refresh stores" (pull every page of each custom store's export
and upsert its orders by OrderID), "Create label" (with a ship notice for a custom-store order),
and the background refresher ``python -m sandbox`` runs. Store calls happen outside the lock.
"""

from __future__ import annotations

import copy
import threading
from datetime import timedelta
from typing import Any

from sandbox.common.web import HttpError
from sandbox.shipstation import dates
from sandbox.shipstation.custom_store import (
    XmlError,
    call_store,
    notice_params,
    parse_xml,
    read_export,
    ship_notice,
)
from sandbox.shipstation.facts import (
    ACCOUNTS,
    CARRIERS,
    FIRST_WINDOW_DAYS,
    KEEP_SHIPPED_ON_IMPORT,
    MAX_EXPORT_PAGES,
    NOTICE_CARRIER,
    NOTICE_SERVICE,
    REFRESH_SECONDS,
    STORE_ERROR_PREFIX,
    WINDOW_OVERLAP_MINUTES,
    XML_ERROR,
)
from sandbox.shipstation.labels import make_label, v1_shipment
from sandbox.shipstation.orders import Order, find_order, new_order, remaining, set_items
from sandbox.shipstation.state import Account, ShipStationState, Tx

#: Parsed export fields that are not V1 order fields (they go to ``order["custom"]``).
NOT_COPIED = (
    "items", "OrderID", "OrderNumber", "OrderStatus", "lastModified", "currency",
    "requestedWarehouse",
)  # fmt: skip


def custom_stores(account: Account) -> list[dict[str, Any]]:
    """The account's stores of marketplace "Custom Store"."""
    return [s for s in account["stores"] if s["custom"] is not None]


def store_view(store: dict[str, Any]) -> dict[str, Any]:
    """A custom store as the control endpoints show it."""
    custom = store["custom"]
    return {
        "store_id": store["storeId"],
        "name": store["storeName"],
        **{key: custom[key] for key in ("url", "username", "password", "auth", "statuses")},
        "last_refresh_utc": dates.v2_format(custom["last_refresh_utc"]),
    }


def order_view(account: Account, order: Order) -> dict[str, Any]:
    """An order as the control endpoints and the page show it (line quantities shipped/left)."""
    left = remaining(account, order)
    store = next(
        (
            s
            for s in account["stores"]
            if s["storeId"] == (order["advancedOptions"] or {}).get("storeId")
        ),
        None,
    )
    labels = [lb for lb in account["labels"] if lb["orderId"] == order["orderId"]]
    return {
        "orderId": order["orderId"],
        "orderNumber": order["orderNumber"],
        "orderKey": order["orderKey"],
        "source": order["source"],
        "store_id": store["storeId"] if store else None,
        "store_name": store["storeName"] if store else None,
        "orderStatus": order["orderStatus"],
        "store_status": (order["custom"] or {}).get("OrderStatus"),
        "custom_order_id": (order["custom"] or {}).get("OrderID"),
        "modified_utc": dates.v2_format(order["modifyDate"]),
        "ship_to": order["shipTo"],
        "items": [
            {
                "key": str(item.get("lineItemKey") or item["orderItemId"]),
                "orderItemId": item["orderItemId"],
                "sku": item["sku"],
                "name": item["name"],
                "quantity": item["quantity"],
                "adjustment": item["adjustment"],
                "shipped": 0
                if item["adjustment"]
                else item["quantity"] - left[item["orderItemId"]],
                "left": left.get(item["orderItemId"], 0),
            }
            for item in order["items"]
        ],
        "labels": [
            {
                "shipmentId": lb["shipmentId"],
                "trackingNumber": lb["trackingNumber"],
                "carrierCode": lb["carrierCode"],
                "voided": lb["voided"],
                "items": {
                    str(i["lineItemKey"] or i["orderItemId"]): i["quantity"] for i in lb["items"]
                },
                "notice_status": (lb["notice"] or {}).get("status"),
            }
            for lb in labels
        ],
    }


def _mapped_status(statuses: dict[str, str], raw: str) -> str | None:
    """ShipStation's status for the store's ``OrderStatus`` (comma lists, case-sensitive)."""
    for status, values in statuses.items():
        if raw in [v.strip() for v in values.split(",")]:
            return status
    return None


def _upsert(
    tx: Tx, store: dict[str, Any], parsed: dict[str, Any], status: str
) -> tuple[Order, bool]:
    now = dates.stamp(dates.now())
    order = next(
        (
            o
            for o in tx.account["orders"]
            if o["active"]
            and o["source"] == "custom"
            and o["custom"]["store_id"] == store["storeId"]
            and o["custom"]["OrderID"] == parsed["OrderID"]
        ),
        None,
    )
    created = order is None
    if order is None:
        order = new_order(tx, "custom", now)
        tx.account["orders"].append(order)
    elif KEEP_SHIPPED_ON_IMPORT and order["orderStatus"] == "shipped" and status != "cancelled":
        status = "shipped"
    fields = {k: v for k, v in parsed.items() if k not in NOT_COPIED}
    order.update(copy.deepcopy(fields))
    order["advancedOptions"]["storeId"] = store["storeId"]
    wanted = parsed["requestedWarehouse"]  # must equal a warehouse name (reference)
    order["advancedOptions"]["warehouseId"] = next(
        (w["warehouseId"] for w in tx.account["warehouses"] if w["warehouseName"] == wanted), None
    )
    order.update(orderKey=parsed["OrderID"], orderNumber=parsed["OrderNumber"], orderStatus=status)
    order["custom"] = {
        "store_id": store["storeId"],
        "OrderID": parsed["OrderID"],
        "OrderStatus": parsed["OrderStatus"],
        "LastModified": parsed["lastModified"],
        "CurrencyCode": parsed["currency"],
    }
    set_items(tx, order, parsed["items"], now)
    order["modifyDate"] = now
    return order, created


def _pull(store: dict[str, Any], start: str, end: str) -> tuple[list[dict], list[str], list[dict]]:
    """Every page of one store's export: (orders, errors, calls made). Any error stops it."""
    config = store["custom"]
    orders: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    page, pages = 1, 1
    while page <= min(pages, MAX_EXPORT_PAGES):
        params = {"action": "export", "start_date": start, "end_date": end, "page": str(page)}
        answer = call_store(config, params)
        calls.append({"page": page, "status": answer.status})
        if answer.status != 200:
            reason = answer.error or f"HTTP {answer.status}"
            return orders, [f"{STORE_ERROR_PREFIX}{reason} (page {page})."], calls
        try:
            pages, found, problems = read_export(parse_xml(answer.body))
        except XmlError as exc:
            return orders, [f"{STORE_ERROR_PREFIX}{XML_ERROR}{exc} (page {page})"], calls
        orders += found
        if problems:
            return orders, [f"{STORE_ERROR_PREFIX}{p} (page {page})" for p in problems], calls
        page += 1
    if pages > MAX_EXPORT_PAGES:
        return orders, [f"{STORE_ERROR_PREFIX}more than {MAX_EXPORT_PAGES} pages."], calls
    return orders, [], calls


def refresh_account(
    state: ShipStationState,
    account_id: str,
    *,
    store_id: int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """Refresh the account's configured custom stores (or one); the result is also kept."""
    with state.refresh_lock:  # one at a time: page button, control call, background thread
        account = state.snapshot(account_id)
        stores = [s for s in custom_stores(account) if s["custom"]["url"]]
        if store_id is not None:
            stores = [s for s in stores if s["storeId"] == store_id]
            if not stores:
                raise HttpError(400, f"Store {store_id} is not a configured custom store.")
        result: dict[str, Any] = {
            "account": account_id,
            "started_utc": dates.v2_format(dates.stamp(dates.now())),
            "imported": 0,
            "created": 0,
            "updated": 0,
            "errors": [],
            "warnings": [],
            "stores": [],
            "orders": [],
        }
        if not stores:
            result["errors"].append("No custom store is set up (POST /shipstation/_custom_store).")
        for store in stores:
            result["stores"].append(_refresh_store(state, account_id, store, result, start, end))
        result["finished_utc"] = dates.v2_format(dates.stamp(dates.now()))
        with state.write(account_id) as tx:
            tx.account["last_refresh"] = {k: v for k, v in result.items() if k != "orders"}
            tx.account["last_refresh"]["order_ids"] = [o["orderId"] for o in result["orders"]]
        return result


def _refresh_store(
    state: ShipStationState,
    account_id: str,
    store: dict[str, Any],
    result: dict[str, Any],
    start: str | None,
    end: str | None,
) -> dict[str, Any]:
    config = store["custom"]
    now = dates.now()
    if start is None:
        last = config["last_refresh_utc"]
        since = (
            dates.from_stamp(last) - timedelta(minutes=WINDOW_OVERLAP_MINUTES)
            if last
            else now - timedelta(days=FIRST_WINDOW_DAYS)
        )
        start = dates.custom_format(since)
    end = end or dates.custom_format(now)
    parsed, errors, calls = _pull(store, start, end)
    summary = {"store_id": store["storeId"], "name": store["storeName"], "start_date": start,
               "end_date": end, "calls": calls, "errors": errors}  # fmt: skip
    with state.write(account_id) as tx:
        target = next(s for s in tx.account["stores"] if s["storeId"] == store["storeId"])
        stamp = dates.stamp(now)
        target["lastRefreshAttempt"] = stamp
        for entry in parsed:
            status = _mapped_status(config["statuses"], entry["OrderStatus"])
            if status is None:
                result["warnings"].append(
                    f"Order {entry['OrderNumber']}: OrderStatus {entry['OrderStatus']!r} matches "
                    "no status mapping of the store (case-sensitive); not imported."
                )
                continue
            order, created = _upsert(tx, target, entry, status)
            result["created" if created else "updated"] += 1
            result["imported"] += 1
            result["orders"].append(order_view(tx.account, order))
        if not errors:
            target["refreshDate"] = stamp
            target["custom"]["last_refresh_utc"] = stamp
    result["errors"] += [f"{store['storeName']}: {e}" for e in errors]
    return summary


def create_label(
    state: ShipStationState, account_id: str, order_ref: dict[str, Any], options: dict[str, Any]
) -> dict[str, Any]:
    """Make a label (whole order or ``options["lines"]``); a custom-store order gets a notice."""
    with state.write(account_id) as tx:
        order = _find(tx.account, order_ref)
        custom = order["source"] == "custom"
        carrier = options.get("carrier")
        if custom:
            carrier = carrier or NOTICE_CARRIER
            names = {name.lower(): code for code, (name, _s) in CARRIERS.items()}
            code = names.get(carrier.lower(), carrier.lower())
        else:
            code = carrier
        service = options.get("service")
        label = make_label(
            tx,
            order,
            options.get("lines"),
            tracking=options.get("tracking_number"),
            carrier=code,
            service=(NOTICE_SERVICE if service is None else service) if custom else service,
        )
        order, label = copy.deepcopy(order), copy.deepcopy(label)
        store = next(
            s for s in tx.account["stores"] if s["storeId"] == order["advancedOptions"]["storeId"]
        )
    answer: dict[str, Any] = {"shipment": v1_shipment(order, label, True), "status": None}
    if not custom:
        return answer
    notice_options = {**options, "carrier": carrier, "service": label["serviceCode"]}
    xml = ship_notice(order, label, notice_options)
    params = notice_params(order, label, notice_options)
    reply = call_store(store["custom"], params, body=xml.encode("utf-8"))
    notice = {
        "url": store["custom"]["url"],
        "query": params,
        "body": xml,
        "status": reply.status,
        "ok": reply.status is not None and 200 <= reply.status < 300,
        "error": None,
        "answer": reply.body[:2000].decode("utf-8", "replace"),
        "sent_utc": dates.v2_format(dates.stamp(dates.now())),
    }
    if not notice["ok"]:
        notice["error"] = reply.error or f"HTTP {reply.status}"
    with state.write(account_id) as tx:
        stored = next(lb for lb in tx.account["labels"] if lb["shipmentId"] == label["shipmentId"])
        stored["notice"] = notice
        label = copy.deepcopy(stored)
    return {"shipment": v1_shipment(order, label, True), "notice": notice, "status": reply.status}


def _find(account: Account, ref: dict[str, Any]) -> Order:
    if ref.get("order_id") is not None:
        order = find_order(account, ref["order_id"])
    else:
        number = str(ref.get("order_number") or "")
        matches = [o for o in account["orders"] if o["active"] and o["orderNumber"] == number]
        if len(matches) > 1:
            raise HttpError(400, f"Several orders are numbered {number!r}: give order_id.")
        order = matches[0] if matches else None
    if order is None:
        raise HttpError(404, f"No order {ref.get('order_id') or ref.get('order_number')!r}.")
    return order


class AutoRefresher:
    """Refreshes every account's custom stores every ``interval`` seconds in a daemon thread."""

    def __init__(self, state: ShipStationState, interval: float = REFRESH_SECONDS) -> None:
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="shipstation-refresh", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for account_id in ACCOUNTS:
                account = self.state.snapshot(account_id)
                if not any(s["custom"]["url"] for s in custom_stores(account)):
                    continue
                try:
                    refresh_account(self.state, account_id)
                except Exception as exc:  # keep refreshing the others
                    print(f"sandbox: ShipStation refresh of account {account_id} failed: {exc}")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
