from django.urls import path

from integrations.shipstation import shipping_views, views

app_name = "shipstation"
urlpatterns = [
    path("", views.ShipstationSettingsView.as_view(), name="settings"),
    path("custom-store/password/", views.RotatePasswordView.as_view(), name="rotate_password"),
    path("send/", views.send_selected, name="send_selected"),
    path("notes/<int:pk>/rates/", shipping_views.rates, name="note_rates"),
    path("notes/<int:pk>/labels/", shipping_views.buy, name="buy_label"),
    path("labels/<int:pk>/label.pdf", shipping_views.label_file, name="label_pdf"),
    path("labels/<int:pk>/void/", shipping_views.void, name="void_label"),
    path("labels/", shipping_views.selection, name="label_selection"),
    path("labels/merged.pdf", shipping_views.merged, name="merged_labels"),
]
