from django.urls import include, path

from integrations import views

urlpatterns = [
    path("", views.integration_list, name="integration_list"),
    path("shipandco/", include("integrations.shipandco.urls")),
]
