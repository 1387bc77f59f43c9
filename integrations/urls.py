"""Settings → System Integration, and each registered platform's pages under `<platform>/`."""

from django.urls import include, path

from integrations import views
from integrations.registry import platforms

urlpatterns = [
    path("", views.integration_list, name="integration_list"),
    *(path(f"{spec.platform}/", include(spec.urls)) for spec in platforms() if spec.urls),
]
