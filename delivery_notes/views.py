"""Delivery-note pages and the brand dashboard. Thin: forms validate, selectors read, services write.

Every view runs inside the brand scope set by BrandScopeMiddleware, so DeliveryNote.objects only
ever sees the current brand (another brand's note answers 404). Viewers read; changes need Staff.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from brands.models import Role
from brands.permissions import role_required
from delivery_notes import list_export, paging, selectors
from delivery_notes.csv_columns import COLUMNS, EXAMPLE_ROW, HEADER
from delivery_notes.downloads import mark_download
from delivery_notes.forms import (
    ImportForm,
    LineFormSet,
    NoteFilterForm,
    NoteForm,
    ShipmentForm,
    ShipmentRequestForm,
    line_formset_helper,
    save_note,
)
from delivery_notes.importing import ImportFileError, start_import
from delivery_notes.models import DeliveryNote, ImportJob
from delivery_notes.numbering import suggest_number
from delivery_notes.services import (
    NoteNotCancellable,
    cancel_note,
    cancel_notes,
    record_shipment,
    remaining_quantities,
)
from delivery_notes.shipment_requests import RequestRefused, create_request, plannable_quantities

LINES_PREFIX = "lines"


def filled_from_catalogue_message(count: int) -> str:
    return ngettext(
        "The name or weight of %(count)d line was taken from the catalogue (by its SKU).",
        "The names or weights of %(count)d lines were taken from the catalogue (by their SKUs).",
        count,
    ) % {"count": count}


def _can_edit(request: HttpRequest) -> bool:
    return request.membership.has_role(Role.STAFF)


def _note_url(request: HttpRequest, note: DeliveryNote) -> str:
    return reverse("note_detail", kwargs={"brand_slug": request.brand.slug, "pk": note.pk})


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """Leave a form: a full redirect, also when the form was posted from the htmx modal."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _modal_or_page(request: HttpRequest, name: str, context: dict) -> HttpResponse:
    """`_<name>.html` alone for the htmx modal, `<name>.html` (a full page around it) otherwise."""
    return render(request, f"delivery_notes/{'_' if request.htmx else ''}{name}.html", context)


@role_required(Role.VIEWER)
def dashboard(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return render(
        request,
        "delivery_notes/dashboard.html",
        {
            "status_counts": selectors.status_counts(),
            "waiting": selectors.notes_waiting_to_ship(),
            "activities": selectors.recent_activity(),
            "integration_tiles": selectors.integration_tiles(request.brand),
        },
    )


@role_required(Role.VIEWER)
def note_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    filters = NoteFilterForm(request.GET)
    notes = selectors.with_list_details(selectors.filter_notes(request.GET))
    page = paging.note_page(notes, request.GET, filters.page_size())
    announcement_id = filters.announcement_id()
    return render(
        request,
        "delivery_notes/note_list.html",
        {
            "filters": filters,
            "page": page,
            "announcement_id": announcement_id,
            "announcement": selectors.announcement(announcement_id),
            "query": request.GET.urlencode(),
            "can_edit": _can_edit(request),
            "sort_headers": paging.sort_headers(page.sort),
        },
    )


@require_POST
@role_required(Role.STAFF)
def note_bulk_cancel(request: HttpRequest, brand_slug: str) -> HttpResponse:
    query = QueryDict(request.POST.get("query", "")).urlencode()
    back = f"{reverse('note_list', kwargs={'brand_slug': brand_slug})}?{query}"
    notes = selectors.selected_notes(request.POST)
    if not notes.exists():
        messages.warning(request, _("Select at least one delivery note."))
        return redirect(back)
    cancelled, skipped = cancel_notes(notes, actor=request.user)
    if cancelled:
        messages.success(
            request,
            ngettext(
                "%(count)d delivery note cancelled.",
                "%(count)d delivery notes cancelled.",
                cancelled,
            )
            % {"count": cancelled},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d delivery note was not cancelled: it has shipped or is closed.",
                "%(count)d delivery notes were not cancelled: they have shipped or are closed.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(back)


@role_required(Role.VIEWER)
def note_export(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The list as CSV: GET exports the filtered notes, POST (the list's form) the selection, or
    the filtered notes when nothing is selected. Viewers too: they see the same in the list."""
    if request.method == "POST":
        notes = selectors.selected_or_filtered_notes(request.POST)
        encoding = request.POST.get("export_encoding", list_export.UTF8)
    else:
        notes = selectors.filter_notes(request.GET)
        encoding = request.GET.get("encoding", list_export.UTF8)
    if encoding not in list_export.ENCODINGS:
        encoding = list_export.UTF8
    charset = "utf-8" if encoding == list_export.UTF8 else "Shift_JIS"
    response = StreamingHttpResponse(
        list_export.stream_csv(request.brand, notes, encoding),
        content_type=f"text/csv; charset={charset}",
    )
    name = list_export.filename(request.brand, encoding)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return mark_download(request, response)


@role_required(Role.VIEWER)
def note_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    note = selectors.note_for_detail(pk)
    if note is None:
        raise Http404
    can_edit = _can_edit(request)
    plannable = plannable_quantities(note) if can_edit and note.is_shippable else {}
    request_form = (
        ShipmentRequestForm(lines=list(note.lines.all()), plannable=plannable)
        if plannable
        else None
    )
    return render(
        request,
        "delivery_notes/note_detail.html",
        {
            "note": note,
            "can_edit": can_edit,
            "has_remaining": bool(remaining_quantities(note)),
            "request_form": request_form,
        },
    )


@require_POST
@role_required(Role.STAFF)
def note_request_shipment(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """Plan a parcel of some lines and quantities (a shipment request, before any tracking)."""
    note = get_object_or_404(DeliveryNote, pk=pk)
    form = ShipmentRequestForm(
        request.POST, lines=list(note.lines.all()), plannable=plannable_quantities(note)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_note_url(request, note))
    try:
        shipment_request = create_request(note, form.quantities(), actor=request.user)
    except RequestRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Shipment %(ref)s requested.") % {"ref": shipment_request.reference}
        )
    return redirect(_note_url(request, note))


def _note_form_page(request: HttpRequest, note: DeliveryNote | None) -> HttpResponse:
    instance = note or DeliveryNote()
    data = request.POST if request.method == "POST" else None
    initial = {"number": suggest_number(request.brand)} if note is None and data is None else None
    form = NoteForm(data, instance=instance, initial=initial)
    lines = LineFormSet(data, instance=instance, prefix=LINES_PREFIX)
    if data is not None and all([form.is_valid(), lines.is_valid()]):
        saved = save_note(form, lines, brand=request.brand, actor=request.user)
        messages.success(request, _("Delivery note %(number)s saved.") % {"number": saved})
        return redirect(_note_url(request, saved))
    return render(
        request,
        "delivery_notes/note_form.html",
        {"form": form, "lines": lines, "lines_helper": line_formset_helper(), "note": note},
    )


@role_required(Role.STAFF)
def note_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    return _note_form_page(request, None)


@role_required(Role.STAFF)
def note_edit(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    note = get_object_or_404(DeliveryNote, pk=pk)
    if not note.is_open:
        messages.error(request, _("Only notes that have not shipped can be edited."))
        return redirect(_note_url(request, note))
    return _note_form_page(request, note)


@role_required(Role.STAFF)
def note_cancel(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    note = get_object_or_404(DeliveryNote, pk=pk)
    if request.method == "POST":
        try:
            cancel_note(note, actor=request.user)
        except NoteNotCancellable:
            messages.error(
                request, _("This note has shipped or is closed; it cannot be cancelled.")
            )
        else:
            messages.success(request, _("Delivery note %(number)s cancelled.") % {"number": note})
        return _done(request, _note_url(request, note))
    return _modal_or_page(request, "note_cancel", {"note": note})


@role_required(Role.STAFF)
def note_ship(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    note = get_object_or_404(DeliveryNote, pk=pk)
    remaining = remaining_quantities(note)
    if not (note.is_shippable and remaining):
        messages.error(request, _("Nothing is left to ship on this note."))
        return _done(request, _note_url(request, note))
    form = ShipmentForm(
        request.POST if request.method == "POST" else None,
        lines=list(note.lines.all()),
        remaining=remaining,
        # What the note asked for is what usually ships.
        initial={"carrier": note.requested_carrier, "service": note.requested_service},
    )
    if form.is_valid():
        record_shipment(
            note,
            carrier=form.cleaned_data["carrier"],
            service=form.cleaned_data["service"],
            tracking_numbers=form.cleaned_data["tracking_numbers"],
            shipped_on=form.cleaned_data["shipped_on"],
            lines=form.quantities(),
            actor=request.user,
        )
        messages.success(request, _("Shipment recorded."))
        return _done(request, _note_url(request, note))
    return _modal_or_page(request, "note_ship", {"note": note, "form": form})


@role_required(Role.STAFF)
def note_import(request: HttpRequest, brand_slug: str) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": COLUMNS, "errors": []}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = start_import(
                request.brand, upload.read(), filename=upload.name, actor=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if outcome.job is not None:
                return redirect("note_import_status", brand_slug=brand_slug, job_pk=outcome.job.pk)
            if not outcome.errors:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d delivery note imported.",
                        "%(count)d delivery notes imported.",
                        outcome.created,
                    )
                    % {"count": outcome.created},
                )
                filled = outcome.counts.get("filled_lines", 0)
                if filled:
                    messages.info(request, filled_from_catalogue_message(filled))
                return redirect("note_list", brand_slug=brand_slug)
            context["errors"] = outcome.errors
    return render(request, "delivery_notes/note_import.html", context)


@role_required(Role.STAFF)
def note_import_status(request: HttpRequest, brand_slug: str, job_pk: int) -> HttpResponse:
    """The job page; htmx polls it every second for the status partial until the job ends."""
    job = get_object_or_404(ImportJob, pk=job_pk)
    template = "_import_status" if request.htmx else "import_status"
    return render(request, f"delivery_notes/{template}.html", {"job": job})


@role_required(Role.STAFF)
def note_import_template(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The header row and one example row; UTF-8 with BOM so spreadsheet apps read the kanji."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="delivery-notes-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(HEADER)
    writer.writerow(EXAMPLE_ROW)
    return response
