"""Settings → Brand (Admins): who the brand's documents and labels say the goods come from."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from brands.models import Role
from brands.permissions import role_required
from brands.profile_forms import BrandProfileForm
from brands.selectors import brand_profile


@role_required(Role.ADMIN)
def brand_profile_edit(request: HttpRequest, brand_slug: str) -> HttpResponse:
    profile = brand_profile(request.brand)
    form = BrandProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The brand profile has been saved."))
        return redirect("brand_profile", brand_slug=brand_slug)
    return TemplateResponse(
        request, "brands/brand_profile.html", {"form": form, "profile": profile}
    )


@role_required(Role.VIEWER)
def brand_logo(request: HttpRequest, brand_slug: str) -> FileResponse:
    """The logo for members' eyes only: media files are not served publicly."""
    profile = brand_profile(request.brand)
    if not profile.logo:
        raise Http404
    try:
        handle = profile.logo.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle)
