"""`{% sync_watchers as urls %}`: the status URLs of the syncs the user is following (see
`integrations.sync_watch`), for pages that show their results."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from integrations.sync_watch import watched_platforms

register = template.Library()


@register.simple_tag(takes_context=True)
def sync_watchers(context: template.Context) -> list[str]:
    request = context.get("request")
    brand = getattr(request, "brand", None)
    if brand is None:
        return []
    urls = []
    for platform in watched_platforms(request.session, brand.pk):
        try:
            urls.append(reverse(f"{platform}:sync_status", kwargs={"brand_slug": brand.slug}))
        except NoReverseMatch:
            continue  # a platform without a status page (none today)
    return urls
