"""`{% load hakobu_dates %}`: `{{ d|day }}`, `{{ dt|moment }}` and `{{ dt|moment_tz }}` (with
the time zone's name), the one way every page writes dates (see `brands.dates`)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from brands.dates import format_day, format_moment

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    return format_day(value)


@register.filter
def moment(value: datetime | None) -> str:
    return format_moment(value)


@register.filter
def moment_tz(value: datetime | None) -> str:
    return format_moment(value, with_zone=True)
