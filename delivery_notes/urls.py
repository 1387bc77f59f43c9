from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="delivery_notes/dashboard.html"), name="dashboard"),
    path(
        "delivery-notes/",
        TemplateView.as_view(template_name="placeholder.html"),
        name="note_list",
    ),
]
