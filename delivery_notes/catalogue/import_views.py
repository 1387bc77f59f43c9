"""Product and customer CSV import pages: upload, template download, background job status."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from brands.models import Role
from brands.permissions import role_required
from delivery_notes.catalogue.csv_columns import (
    CUSTOMER_COLUMNS,
    PRODUCT_COLUMNS,
    example_row,
    header,
)
from delivery_notes.catalogue.importing import start_import
from delivery_notes.catalogue.models import CatalogueImportJob
from delivery_notes.forms import ImportForm
from delivery_notes.importing import ImportFileError

Kind = CatalogueImportJob.Kind
COLUMNS = {Kind.PRODUCTS: PRODUCT_COLUMNS, Kind.CUSTOMERS: CUSTOMER_COLUMNS}
LIST_URL = {Kind.PRODUCTS: "product_list", Kind.CUSTOMERS: "customer_list"}


def created_updated_message(kind: str, created: int, updated: int) -> str:
    if kind == Kind.PRODUCTS:
        return _("Products imported: %(created)d created, %(updated)d updated.") % {
            "created": created,
            "updated": updated,
        }
    return _("Customers imported: %(created)d created, %(updated)d updated.") % {
        "created": created,
        "updated": updated,
    }


@role_required(Role.STAFF)
def catalogue_import(request: HttpRequest, brand_slug: str, kind: str) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["file"].help_text = _("UTF-8 or Shift_JIS; see the columns below.")
    context = {"form": form, "columns": COLUMNS[kind], "errors": [], "kind": kind}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = start_import(
                kind, request.brand, upload.read(), filename=upload.name, actor=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if outcome.job is not None:
                return redirect(
                    f"{kind}_import_status", brand_slug=brand_slug, job_pk=outcome.job.pk
                )
            if not outcome.errors:
                counts = outcome.counts
                messages.success(
                    request,
                    created_updated_message(kind, counts["created_count"], counts["updated_count"]),
                )
                return redirect(LIST_URL[kind], brand_slug=brand_slug)
            context["errors"] = outcome.errors
    return render(request, "catalogue/import.html", context)


@role_required(Role.STAFF)
def catalogue_import_status(
    request: HttpRequest, brand_slug: str, kind: str, job_pk: int
) -> HttpResponse:
    """The job page; htmx polls it every second for the status partial until the job ends."""
    job = get_object_or_404(CatalogueImportJob, pk=job_pk, kind=kind)
    template = "_import_status" if request.htmx else "import_status"
    return render(request, f"catalogue/{template}.html", {"job": job, "kind": kind})


@role_required(Role.STAFF)
def catalogue_import_template(request: HttpRequest, brand_slug: str, kind: str) -> HttpResponse:
    """The header row and one example row; UTF-8 with BOM so spreadsheet apps read the kanji."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header(COLUMNS[kind]))
    writer.writerow(example_row(COLUMNS[kind]))
    return response
