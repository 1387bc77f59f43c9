from django.urls import path

from delivery_notes import document_views, settings_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("delivery-notes/", views.note_list, name="note_list"),
    path("settings/numbering/", settings_views.note_numbering, name="numbering_settings"),
    path("delivery-notes/new/", views.note_create, name="note_create"),
    path("delivery-notes/export.csv", views.note_export, name="note_export"),
    path("delivery-notes/cancel/", views.note_bulk_cancel, name="note_bulk_cancel"),
    path("delivery-notes/print/", document_views.notes_print, name="notes_print"),
    path("delivery-notes/documents/", document_views.document_list, name="document_list"),
    path("delivery-notes/documents/<int:pk>/", document_views.document_job, name="document_job"),
    path(
        "delivery-notes/documents/<int:pk>/status/",
        document_views.document_job_status,
        name="document_job_status",
    ),
    path(
        "delivery-notes/documents/<int:pk>/download/",
        document_views.document_job_download,
        name="document_job_download",
    ),
    path("delivery-notes/import/", views.note_import, name="note_import"),
    path(
        "delivery-notes/import/template.csv",
        views.note_import_template,
        name="note_import_template",
    ),
    path(
        "delivery-notes/import/<int:job_pk>/",
        views.note_import_status,
        name="note_import_status",
    ),
    path("delivery-notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("delivery-notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("delivery-notes/<int:pk>/cancel/", views.note_cancel, name="note_cancel"),
    path("delivery-notes/<int:pk>/ship/", views.note_ship, name="note_ship"),
    path(
        "delivery-notes/<int:pk>/shipment-requests/",
        views.note_request_shipment,
        name="note_request_shipment",
    ),
    path("delivery-notes/<int:pk>/print/", document_views.note_print, name="note_print"),
    path(
        "delivery-notes/<int:pk>/document.pdf",
        document_views.note_document,
        name="note_document",
    ),
]
