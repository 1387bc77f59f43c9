"""Single-line text: names, company, city, numbers... never hold control characters.

A line break in a name ends up in email headers, CSV cells and log lines, where it starts a new
header, row or entry (a forged email in the outbox, a shifted CSV); NUL is refused by PostgreSQL.
Forms and imports refuse such values with a clear message (`validate_single_line`); text that
arrives from a shipping platform cannot be refused, so it is flattened (`single_line`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Unicode category Cc (C0, DEL, C1) plus the line and paragraph separators, which also end lines.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_RUNS = re.compile(CONTROL_CHARACTERS.pattern + "+")
MESSAGE = _("Enter a single line: line breaks, tabs and other control characters are not allowed.")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def validate_single_line(value: Any) -> None:
    """Django validator for single-line text fields."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")


def single_line(value: str | None) -> str:
    """`value` with every run of control characters turned into one space (for platform data)."""
    if not value:
        return ""
    return CONTROL_RUNS.sub(" ", value).strip()


def flatten_values(values: dict[str, Any]) -> dict[str, Any]:
    """A copy of `values` with every text value made single-line (platform data into a model)."""
    return {k: single_line(v) if isinstance(v, str) else v for k, v in values.items()}


EXEMPT_WIDGETS = (forms.Textarea, forms.PasswordInput)


class SingleLineFieldsMixin:
    """A form whose one-line text inputs refuse control characters (text areas keep line breaks).

    Passwords are left alone: they are never shown or sent anywhere, only hashed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, EXEMPT_WIDGETS)
                and validate_single_line not in field.validators
            ):
                field.validators = [*field.validators, validate_single_line]
