from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from brands.models import Brand


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their last brand, or let them pick one."""
    brands = list(Brand.objects.filter(membership__user=request.user).order_by("name"))
    last = request.session.get("last_brand")
    chosen = next((b for b in brands if b.slug == last), None)
    if chosen is None and len(brands) == 1:
        chosen = brands[0]
    if chosen is not None:
        return redirect("dashboard", brand_slug=chosen.slug)
    return render(request, "brands/choose_brand.html", {"brands": brands})
