from django.urls import path

from integrations.shipstation import views

app_name = "shipstation"
urlpatterns = [
    path("", views.ShipstationSettingsView.as_view(), name="settings"),
    path("custom-store/password/", views.RotatePasswordView.as_view(), name="rotate_password"),
    path("send/", views.send_selected, name="send_selected"),
]
