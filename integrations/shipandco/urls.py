from django.urls import include, path

from integrations.shipandco import views

app_name = "shipandco"
urlpatterns = [
    path("exports/", include("integrations.shipandco.export_urls")),
    path("", views.ShipandcoSettingsView.as_view(), name="settings"),
    path("connect/", views.ShipandcoConnectView.as_view(), name="connect"),
    path("sync/", views.ShipandcoSyncNowView.as_view(), name="sync_now"),
    path("sync/status/", views.ShipandcoSyncStatusView.as_view(), name="sync_status"),
]
