"""Catalogue pages under /b/<brand_slug>/: products/… and customers/…"""

from django.urls import path

from delivery_notes.catalogue import import_views, views
from delivery_notes.catalogue.models import CatalogueImportJob

Kind = CatalogueImportJob.Kind


def _imports(kind: str) -> list:
    prefix = f"{kind}/import/"
    return [
        path(prefix, import_views.catalogue_import, {"kind": kind}, name=f"{kind}_import"),
        path(
            f"{prefix}template.csv",
            import_views.catalogue_import_template,
            {"kind": kind},
            name=f"{kind}_import_template",
        ),
        path(
            f"{prefix}<int:job_pk>/",
            import_views.catalogue_import_status,
            {"kind": kind},
            name=f"{kind}_import_status",
        ),
    ]


urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/suggest/", views.product_suggest, name="product_suggest"),
    path("products/export.csv", views.product_export, name="product_export"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    *_imports(Kind.PRODUCTS),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/suggest/", views.customer_suggest, name="customer_suggest"),
    path("customers/export.csv", views.customer_export, name="customer_export"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/delete/", views.customer_delete, name="customer_delete"),
    *_imports(Kind.CUSTOMERS),
]
