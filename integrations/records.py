"""The platform-neutral shape of a shipment: each platform's mapping turns its JSON into this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from brands.validators import single_line


class MalformedShipment(ValueError):
    """One item of a page cannot be read; the sync skips it and keeps the rest of the page."""

    def __init__(self, message: str, external_id: str = "") -> None:
        super().__init__(message)
        self.external_id = external_id


@dataclass(frozen=True)
class PlatformShipment:
    external_id: str
    reference: str  # Hakobu's delivery-note number, as given to the platform
    carrier: str
    service: str
    tracking_numbers: tuple[str, ...]
    ship_date: date | None
    cancelled: bool  # voided (or in any state but live) on the platform
    created_at: datetime  # aware; the sync cursor
    test: bool = False  # a test-mode label: goods never leave with it
    #: (delivery-note line id, quantity) for a partial shipment; empty = every line not shipped
    lines: tuple[tuple[int, int], ...] = ()
    cost: Decimal | None = None

    def __post_init__(self) -> None:
        """A platform's text goes into single-line fields: line breaks and control characters
        become spaces (it cannot be refused like a form value)."""
        for name in ("external_id", "reference", "carrier", "service"):
            object.__setattr__(self, name, single_line(getattr(self, name)))
        numbers = tuple(n for n in map(single_line, self.tracking_numbers) if n)
        object.__setattr__(self, "tracking_numbers", numbers)

    @property
    def has_tracking(self) -> bool:
        """Without a tracking number nothing has left yet: the shipment is not "shipped"."""
        return bool(self.tracking_numbers)

    @property
    def live(self) -> bool:
        """Only a live, non-test shipment may ship a note; a recorded one that stops being live
        un-ships it."""
        return not self.cancelled and not self.test
