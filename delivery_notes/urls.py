from django.urls import path

from delivery_notes import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("delivery-notes/", views.note_list, name="note_list"),
    path("delivery-notes/new/", views.note_create, name="note_create"),
    path("delivery-notes/cancel/", views.note_bulk_cancel, name="note_bulk_cancel"),
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
]
