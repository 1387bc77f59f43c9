"""Pages of the Ship&co CSV export: start one from the note list, follow it, download it again.

Staff and admins only (viewers get 403): the file holds every recipient's address. Exports are
looked up inside the brand's scope, so another brand's export id answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.models import Role
from brands.permissions import role_required
from delivery_notes.downloads import mark_download
from delivery_notes.selectors import selected_notes
from integrations.shipandco import export as services
from integrations.shipandco.export_tasks import dispatch_export
from integrations.shipandco.models import CsvExport

CONTENT_TYPES = {
    CsvExport.Encoding.UTF8: "text/csv; charset=utf-8",
    CsvExport.Encoding.SHIFT_JIS: "text/csv; charset=Shift_JIS",
}
DETAIL_LIMIT = 500  # skipped notes / warnings listed on the page; the count says how many more


def _note_list_url(request: HttpRequest) -> str:
    url = reverse("note_list", kwargs={"brand_slug": request.brand.slug})
    query = request.POST.get("query", "")
    return f"{url}?{query}" if query else url


def _file_response(export: CsvExport) -> FileResponse:
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.encoding],
    )


@require_POST
@role_required(Role.STAFF)
def export_create(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The list's "Download CSV for Ship&co": small selections download at once.

    When notes were left out or values need attention, the result page comes first (with the
    download button): those reasons must be seen, and a file download cannot show them.
    """
    if not services.csv_export_enabled():
        messages.error(request, _("Connect Ship&co first: the CSV download needs the integration."))
        return redirect("shipandco:settings", brand_slug=brand_slug)
    encoding = request.POST.get("shipandco_encoding", CsvExport.Encoding.UTF8)
    if encoding not in CsvExport.Encoding.values:
        messages.error(request, _("Choose UTF-8 or Shift_JIS."))
        return redirect(_note_list_url(request))
    export = services.create_export(
        brand=request.brand,
        user=request.user,
        notes=selected_notes(request.POST),
        encoding=encoding,
    )
    if export is None:
        messages.warning(request, _("Select at least one delivery note to download."))
        return redirect(_note_list_url(request))
    if dispatch_export(export):
        export.refresh_from_db()
        clean = export.exported_notes == export.total_notes and not export.warnings
        if export.can_download and clean:
            return mark_download(request, _file_response(export))
    return redirect("shipandco:export_detail", brand_slug=brand_slug, pk=export.pk)


@role_required(Role.STAFF)
def export_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    exports = CsvExport.objects.select_related("created_by").order_by("-created_at", "-id")
    page = Paginator(exports, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "integrations/shipandco/export_list.html",
        {"page": page, "retention_days": settings.SHIPANDCO_EXPORT_RETENTION_DAYS},
    )


def _status_context(export: CsvExport) -> dict:
    skipped = services.skipped_entries(export) if export.is_finished else None
    warnings = export.warnings[:DETAIL_LIMIT]
    return {
        "export": export,
        "skipped": skipped[:DETAIL_LIMIT] if skipped is not None else [],
        "skipped_more": max(0, export.skipped_notes - DETAIL_LIMIT),
        "warnings": [(w["note"], services.warning_message(w)) for w in warnings],
        "warnings_more": max(0, len(export.warnings) - DETAIL_LIMIT),
    }


@role_required(Role.STAFF)
def export_detail(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    export = get_object_or_404(CsvExport.objects.select_related("created_by"), pk=pk)
    return render(request, "integrations/shipandco/export_detail.html", _status_context(export))


@role_required(Role.STAFF)
def export_status(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    """The progress block, polled by htmx every second until the export is finished."""
    export = get_object_or_404(CsvExport.objects.select_related("created_by"), pk=pk)
    return render(request, "integrations/shipandco/export_status.html", _status_context(export))


@role_required(Role.STAFF)
def export_download(request: HttpRequest, brand_slug: str, pk: int) -> HttpResponse:
    export = get_object_or_404(CsvExport, pk=pk)
    if not export.can_download:
        raise Http404("This export has no file (not finished, nothing exported, or expired).")
    try:
        return _file_response(export)
    except FileNotFoundError:  # removed from storage (expired, or another media folder)
        messages.error(
            request,
            _(
                "The file of this export is no longer available. Select the delivery notes "
                "again and download a new CSV."
            ),
        )
        return redirect("shipandco:export_detail", brand_slug=brand_slug, pk=export.pk)
