"""Ship&co's order-import CSV: decode (UTF-8 or Shift_JIS), validate and group rows into orders.

Column names and limits come from :mod:`sandbox.shipandco.facts`; nothing here stores anything.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.shipandco.facts import (
    LENGTH_LIMITS,
    ORDER_COLUMNS,
    PRODUCT_COLUMNS,
    REQUIRED_COLUMNS,
)


@dataclass(frozen=True)
class ImportIssue:
    """One problem in an uploaded CSV; ``row`` is the spreadsheet row (1 = header)."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    orders: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    encoding: str = ""


def decode_csv(raw: bytes) -> tuple[str, str]:
    """UTF-8 (BOM optional) first, then Shift_JIS/CP932 — the two encodings staff actually use."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError("the file is neither UTF-8 nor Shift_JIS (CP932) text")


def parse_orders_csv(raw: bytes) -> ImportResult:
    """Decode and parse an order-import CSV into grouped orders (nothing is stored here)."""
    try:
        text, encoding = decode_csv(raw)
    except ValueError as exc:
        return ImportResult(errors=[ImportIssue(1, "", str(exc))])
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return ImportResult(errors=[ImportIssue(1, "", "the file is empty")], encoding=encoding)
    header = [name.strip() for name in records[0]]
    rows = [dict(zip(header, record, strict=False)) for record in records[1:]]
    result = rows_to_orders(header, rows)
    result.encoding = encoding
    return result


def rows_to_orders(header: Sequence[str], rows: Sequence[dict[str, Any]]) -> ImportResult:
    """Validate CSV rows (dicts keyed by column name) and group them by ``OrderName``."""
    result = ImportResult()
    for column in REQUIRED_COLUMNS:
        if column not in header:
            result.errors.append(ImportIssue(1, column, "column missing from the header"))
    if "RecipientLastName" not in header and "RecipientCompany" not in header:
        result.errors.append(
            ImportIssue(
                1, "RecipientLastName", "RecipientLastName or RecipientCompany column is required"
            )
        )
    if result.errors:
        return result

    grouped: dict[str, dict[str, Any]] = {}
    first_row: dict[str, tuple[int, dict[str, str]]] = {}
    for index, raw_row in enumerate(rows, start=2):
        row = {k: str(v if v is not None else "").strip() for k, v in raw_row.items() if k}
        if not any(row.values()):
            continue
        errors = _row_errors(index, row)
        result.errors.extend(errors)
        for column, limit in LENGTH_LIMITS.items():
            if len(row.get(column, "")) > limit:
                result.warnings.append(
                    ImportIssue(index, column, f"longer than Ship&co's {limit}-character limit")
                )
        if errors:
            continue
        name = row["OrderName"]
        if name not in grouped:
            first_row[name] = (index, row)
            grouped[name] = _order_from_row(row)
        else:
            origin, first = first_row[name]
            for column in ORDER_COLUMNS:
                if row.get(column, "") != first.get(column, ""):
                    result.warnings.append(
                        ImportIssue(index, column, f"differs from row {origin}; row {origin} wins")
                    )
        product = _product_from_row(row)
        if product is not None:
            grouped[name]["products"].append(product)
    if not grouped and not result.errors:
        result.errors.append(ImportIssue(2, "", "the file has no order rows"))
    result.orders = list(grouped.values())
    return result


def _row_errors(index: int, row: dict[str, str]) -> list[ImportIssue]:
    errors = [
        ImportIssue(index, column, "required value is empty")
        for column in REQUIRED_COLUMNS
        if not row.get(column)
    ]
    if not row.get("RecipientLastName") and not row.get("RecipientCompany"):
        errors.append(
            ImportIssue(
                index, "RecipientLastName", "RecipientLastName or RecipientCompany is required"
            )
        )
    currency = row.get("CurrencyCode", "")
    if currency and not re.fullmatch(r"[A-Za-z]{3}", currency):
        errors.append(ImportIssue(index, "CurrencyCode", "must be a 3-letter code such as JPY"))
    country = row.get("RecipientCountryCode", "")
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        errors.append(
            ImportIssue(index, "RecipientCountryCode", "must be a 2-letter code such as JP")
        )
    for key, parse, rule in (
        ("quantity", _parse_quantity, "a whole number of at least 1"),
        ("price", _parse_number, "a number"),
        ("weight", _parse_number, "a number of grams"),
    ):
        column = PRODUCT_COLUMNS[key]
        value = row.get(column, "")
        if value:
            try:
                parse(value)
            except ValueError:
                errors.append(ImportIssue(index, column, f"must be {rule} (got {value!r})"))
    return errors


def _parse_quantity(value: str) -> int:
    quantity = int(value)
    if quantity < 1:
        raise ValueError(value)
    return quantity


def _parse_number(value: str) -> float:
    number = float(value.replace(",", ""))
    if number < 0 or math.isnan(number) or math.isinf(number):
        raise ValueError(value)
    return number


def _order_from_row(row: dict[str, str]) -> dict[str, Any]:
    country = row["RecipientCountryCode"].upper()
    first, last = row.get("RecipientFirstName", ""), row.get("RecipientLastName", "")
    # Japanese convention puts the family name first.
    full_name = f"{last} {first}" if country == "JP" else f"{first} {last}"
    return {
        "name": row["OrderName"],
        "currency": row["CurrencyCode"].upper(),
        "date": row.get("Date", ""),
        "to_address": {
            "full_name": full_name.strip(),
            "company": row.get("RecipientCompany", ""),
            "email": row.get("RecipientMail", ""),
            "phone": row["RecipientPhone"],
            "country": country,
            "zip": row["RecipientZIP"],
            "province": row.get("RecipientProvince", ""),
            "city": row.get("RecipientCity", ""),
            "address1": row["RecipientAddress1"],
            "address2": row.get("RecipientAddress2", ""),
        },
        "products": [],
    }


def _product_from_row(row: dict[str, str]) -> dict[str, Any] | None:
    values = {key: row.get(column, "") for key, column in PRODUCT_COLUMNS.items()}
    if not values["name"] and not values["sku"]:
        return None
    price = _parse_number(values["price"]) if values["price"] else 0
    weight = _parse_number(values["weight"]) if values["weight"] else 0
    return {
        "name": values["name"],
        "quantity": _parse_quantity(values["quantity"]) if values["quantity"] else 1,
        "price": int(price) if float(price).is_integer() else price,
        "sku": values["sku"],
        "weight": round(weight),
        "hs_code": values["hs_code"],
        "origin_country": values["origin_country"].upper(),
    }
