"""A line's options (colour, size…) as people type them: `color=natural; size=M`.

The same text form is used by the line form and the CSV import, so a value exported, edited and
imported again round-trips.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PAIR_SEPARATOR = ";"
NAME_SEPARATOR = "="


def parse_options(text: str) -> dict[str, str]:
    """`color=natural; size=M` → {"color": "natural", "size": "M"}; raises ValidationError."""
    options: dict[str, str] = {}
    for pair in (text or "").split(PAIR_SEPARATOR):
        if not pair.strip():
            continue
        name, separator, value = pair.partition(NAME_SEPARATOR)
        if not separator or not name.strip():
            raise ValidationError(
                _("Write options as name=value pairs separated by semicolons (got “%(pair)s”)."),
                params={"pair": pair.strip()},
                code="options",
            )
        options[name.strip()] = value.strip()
    return options


def format_options(options: Mapping | None) -> str:
    return f"{PAIR_SEPARATOR} ".join(
        f"{name}{NAME_SEPARATOR}{value}" for name, value in (options or {}).items()
    )
