"""Template helpers that depend on the brand's own settings."""

from __future__ import annotations

from django import template

from brands.models import Brand

register = template.Library()


@register.filter
def allows_image(brand: Brand | None, url: str) -> bool:
    """`{% if brand|allows_image:url %}`: an <img> only from the brand's allowed image hosts."""
    return brand is not None and brand.allows_image(url)
