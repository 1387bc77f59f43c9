from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="placeholder.html"), name="integration_list"),
    path("shipandco/", include("integrations.shipandco.urls")),
]
