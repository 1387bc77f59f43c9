from django.urls import path

from integrations.webshipper import views

app_name = "webshipper"
urlpatterns = [
    path("", views.SettingsView.as_view(), name="settings"),
    path("rates/", views.save_rates, name="save_rates"),
    path("rates/add/", views.add_terms, name="add_terms"),
    path("disconnect/", views.disconnect_view, name="disconnect"),
]
