"""The sender block of a delivery note, from the brand's profile (Settings → Brand).

Read once per document (the logo file included), not once per note of a bulk print.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image

from brands.models import Brand, BrandProfile
from brands.selectors import brand_profile
from delivery_notes.documents.layout import Styles, address_lines, text

logger = logging.getLogger(__name__)

LOGO_MAX_WIDTH = 45 * mm
LOGO_MAX_HEIGHT = 16 * mm


@dataclass(frozen=True)
class Letterhead:
    company_name: str
    address: list[str]
    phone: str
    email: str
    registration_number: str
    footer_text: str
    logo: bytes | None

    @classmethod
    def for_brand(cls, brand: Brand) -> Letterhead:
        profile = brand_profile(brand)
        return cls(
            company_name=profile.company_name or brand.name,
            address=address_lines(profile) if profile.address_line1 or profile.city else [],
            phone=profile.phone,
            email=profile.email,
            registration_number=profile.registration_number,
            footer_text=profile.footer_text,
            logo=_logo_bytes(profile),
        )

    @property
    def footer_lines(self) -> list[str]:
        return [line for line in self.footer_text.splitlines() if line.strip()]

    def flowables(self, styles: Styles) -> list[Flowable]:
        """Logo, company name, address and contacts, in the active language."""
        blocks: list[Flowable] = []
        if logo := self._logo_image():
            blocks.append(logo)
        blocks.append(text(self.company_name, styles.company))
        details = list(self.address)
        if self.phone:
            details.append(_("Phone: %(phone)s") % {"phone": self.phone})
        if self.email:
            details.append(_("Email: %(email)s") % {"email": self.email})
        if self.registration_number:
            details.append(
                _("Registration number: %(number)s") % {"number": self.registration_number}
            )
        blocks.append(text("\n".join(details), styles.body))
        return blocks

    def _logo_image(self) -> Image | None:
        if not self.logo:
            return None
        try:
            width, height = ImageReader(io.BytesIO(self.logo)).getSize()
        except Exception:  # a logo the image library cannot read: print without it
            logger.warning("brand logo could not be read; printing without it")
            return None
        scale = min(LOGO_MAX_WIDTH / width, LOGO_MAX_HEIGHT / height)
        image = Image(io.BytesIO(self.logo), width=width * scale, height=height * scale)
        image.hAlign = "LEFT"
        return image


def _logo_bytes(profile: BrandProfile) -> bytes | None:
    if not profile.logo:
        return None
    try:
        with profile.logo.open("rb") as logo:
            return logo.read()
    except OSError:  # the file is gone from storage: the document is still useful without it
        logger.warning("logo of brand %s is missing from storage", profile.brand_id)
        return None
