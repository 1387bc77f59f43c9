"""Settings → Note numbering (Admins): the pattern a new note's number is suggested from."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from brands.forms import NoteNumberingForm
from brands.models import Role
from brands.permissions import role_required
from delivery_notes.numbering import suggest_number


@role_required(Role.ADMIN)
def note_numbering(request: HttpRequest, brand_slug: str) -> HttpResponse:
    form = NoteNumberingForm(request.POST or None, instance=request.brand)
    if request.method == "POST" and form.is_valid():
        brand = form.save()
        messages.success(
            request,
            _("Numbering saved. The next new note is offered %(number)s.")
            % {"number": suggest_number(brand)},
        )
        return redirect("numbering_settings", brand_slug=brand_slug)
    return render(
        request,
        "delivery_notes/note_numbering.html",
        {"form": form, "next_number": suggest_number(request.brand)},
    )
