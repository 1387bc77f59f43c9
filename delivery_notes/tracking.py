"""Carriers Hakobu knows, keyed by the codes the platforms use (Ship&co: `setup.carrier`).

The ONE table of public tracking pages: fixing a carrier's URL is a one-line change here. A
carrier missing from the table is still shown (by its code), just without a tracking link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Carrier:
    label: str | Promise
    # `{number}` is replaced by the URL-quoted tracking number.
    tracking_url: str
    # (value stored on the note, label): the services a note may request of this carrier.
    services: tuple[tuple[str, str | Promise], ...] = ()


CARRIERS: dict[str, Carrier] = {
    "yamato": Carrier(
        _("Yamato Transport"),
        "https://jizen.kuronekoyamato.co.jp/jizen/servlet/crjz.b.NQ0010?id={number}",
        (
            ("TA-Q-BIN", _("TA-Q-BIN")),
            ("TA-Q-BIN Compact", _("TA-Q-BIN Compact")),
            ("Cool TA-Q-BIN", _("Cool TA-Q-BIN")),
            ("Nekoposu", _("Nekoposu")),
        ),
    ),
    "sagawa": Carrier(
        _("Sagawa Express"),
        "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={number}",
        (
            ("HIKYAKU", _("Hikyaku Express")),
            ("HIKYAKU Cool", _("Hikyaku Cool Express")),
            ("HIKYAKU Large", _("Hikyaku Large Size Express")),
        ),
    ),
    "japanpost": Carrier(
        _("Japan Post"),
        "https://trackings.post.japanpost.jp/services/srv/search/direct"
        "?reqCodeNo1={number}&searchKind=S002&locale=ja",
        (
            ("YU-PACK", _("Yu-Pack")),
            ("YU-PACKET", _("Yu-Packet")),
            ("Letter Pack", _("Letter Pack")),
            ("Click Post", _("Click Post")),
            ("EMS", _("EMS")),
        ),
    ),
    "seino": Carrier(
        _("Seino Transportation"),
        "https://track.seino.co.jp/cgi-bin/gnpquery.pgm?GNPNO1={number}",
        (("Kangaroo", _("Kangaroo Express")),),
    ),
    "dhl": Carrier(
        _("DHL Express"),
        "https://www.dhl.com/jp-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}",
        (("Express Worldwide", _("Express Worldwide")),),
    ),
    "fedex": Carrier(
        _("FedEx"),
        "https://www.fedex.com/fedextrack/?trknbr={number}",
        (
            ("International Priority", _("International Priority")),
            ("International Economy", _("International Economy")),
        ),
    ),
    "ups": Carrier(
        _("UPS"),
        "https://www.ups.com/track?tracknum={number}",
        (("Worldwide Express", _("Worldwide Express")), ("Worldwide Saver", _("Worldwide Saver"))),
    ),
}


#: Other codes for the carriers above (a platform's own, e.g. a carrier account's code),
#: registered by the platform apps: the code is stored as the platform sent it, and read here.
_ALIASES: dict[str, str] = {}


def add_carrier_aliases(aliases: Mapping[str, str]) -> None:
    """Let `aliases` ({code: key of CARRIERS}) read as those carriers, with their tracking."""
    _ALIASES.update({code.lower(): carrier for code, carrier in aliases.items()})


def _carrier(code: str) -> Carrier | None:
    code = (code or "").strip().lower()
    return CARRIERS.get(code) or CARRIERS.get(_ALIASES.get(code, ""))


def tracking_url(carrier: str, number: str) -> str | None:
    """The carrier's public tracking page for `number`, or None for an unknown carrier."""
    known = _carrier(carrier)
    if known is None or not number:
        return None
    return known.tracking_url.format(number=quote(number.strip(), safe=""))


def carrier_label(code: str) -> str:
    """A carrier's readable name; unknown codes are shown as they are."""
    known = _carrier(code)
    return str(known.label) if known else code


def carrier_choices() -> list[tuple[str, str]]:
    return [(code, str(carrier.label)) for code, carrier in CARRIERS.items()]


def carrier_services(code: str) -> list[tuple[str, str]]:
    """The services a note may request of a carrier (none for an unknown carrier)."""
    known = _carrier(code)
    return [(value, str(label)) for value, label in known.services] if known else []
