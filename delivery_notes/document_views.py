"""Printing: a note's delivery note or picking list, and a selection of the list as one PDF.

Every member who can see a note may print it (Viewers too: printing changes nothing). Notes and
jobs are looked up inside the brand's scope, so another brand's ids answer 404 (or select
nothing). A small selection prints at once; a large one becomes a `DocumentJob` built in the
background, with a progress page and a download kept like a CSV export.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.models import Role
from brands.permissions import role_required
from delivery_notes.documents import jobs
from delivery_notes.documents.forms import PrintForm
from delivery_notes.models import DeliveryNote, DocumentJob
from delivery_notes.selectors import selected_notes
from delivery_notes.tasks import dispatch_document


def _pdf_response(data: bytes, filename: str, *, attachment: bool) -> FileResponse:
    return FileResponse(
        io.BytesIO(data),
        as_attachment=attachment,
        filename=filename,
        content_type="application/pdf",
    )


def _print_form(request: HttpRequest, data: QueryDict | None) -> PrintForm:
    return PrintForm(data, brand_language=request.brand.language)


@role_required(Role.VIEWER)
def note_print(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """The print dialog (htmx modal, or a page without JavaScript); it GETs `note_document`."""
    note = get_object_or_404(DeliveryNote, pk=pk)
    form = _print_form(request, None)
    template = "_note_print" if request.htmx else "note_print"
    return render(request, f"delivery_notes/{template}.html", {"note": note, "form": form})


@role_required(Role.VIEWER)
def note_document(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """One note's delivery note or picking list, shown in the browser's PDF viewer."""
    note = get_object_or_404(DeliveryNote, pk=pk)
    form = _print_form(request, request.GET)
    if not form.is_valid():
        return render(request, "delivery_notes/note_print.html", {"note": note, "form": form})
    out = io.BytesIO()
    jobs.render(form.kind, [note.pk], request.brand, form.options, out)
    name = jobs.filename(form.kind, request.brand, timezone.now(), number=note.number)
    return _pdf_response(out.getvalue(), name, attachment=False)


def _list_url(request: HttpRequest) -> str:
    url = reverse("note_list", kwargs={"brand_slug": request.brand.slug})
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return f"{url}?{query}" if query else url


@require_POST
@role_required(Role.VIEWER)
def notes_print(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The list's bulk print: the selection (or all matching the filter) as one PDF."""
    form = _print_form(request, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a document and a language to print."))
        return redirect(_list_url(request))
    note_ids = jobs.selected_ids(selected_notes(request.POST))
    if not note_ids:
        messages.warning(request, _("Select at least one delivery note to print."))
        return redirect(_list_url(request))
    if len(note_ids) > settings.DOCUMENTS_MAX_NOTES:
        messages.error(
            request,
            _(
                "%(count)d notes are selected; one PDF holds at most %(limit)d. "
                "Narrow the filter (for example by issue date) and print in parts."
            )
            % {"count": len(note_ids), "limit": settings.DOCUMENTS_MAX_NOTES},
        )
        return redirect(_list_url(request))
    if jobs.runs_inline(note_ids):
        out = io.BytesIO()
        jobs.render(form.kind, note_ids, request.brand, form.options, out)
        name = jobs.filename(form.kind, request.brand, timezone.now())
        return _pdf_response(out.getvalue(), name, attachment=True)
    job = jobs.create_job(
        brand=request.brand,
        user=request.user,
        kind=form.kind,
        note_ids=note_ids,
        options=form.options,
    )
    dispatch_document(job)
    return redirect("document_job", brand_slug=brand_slug, pk=job.pk)


@role_required(Role.VIEWER)
def document_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Past bulk prints of the brand, their files downloadable until the retention ends."""
    documents = DocumentJob.objects.select_related("created_by").order_by("-created_at", "-id")
    return render(
        request,
        "delivery_notes/document_list.html",
        {
            "page": Paginator(documents, 25).get_page(request.GET.get("page")),
            "retention_days": settings.DOCUMENTS_RETENTION_DAYS,
        },
    )


@role_required(Role.VIEWER)
def document_job(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    job = get_object_or_404(DocumentJob.objects.select_related("created_by"), pk=pk)
    return render(request, "delivery_notes/document_job.html", {"job": job})


@role_required(Role.VIEWER)
def document_job_status(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """The progress block, polled by htmx every second until the job is finished."""
    job = get_object_or_404(DocumentJob, pk=pk)
    return render(request, "delivery_notes/_document_job_status.html", {"job": job})


@role_required(Role.VIEWER)
def document_job_download(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    job = get_object_or_404(DocumentJob, pk=pk)
    if not job.can_download:
        raise Http404("This document has no file (not finished, failed, or expired).")
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type="application/pdf",
    )
