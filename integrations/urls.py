"""Settings → System Integration, and each registered platform's pages under `<platform>/`."""

from django.urls import include, path

from integrations import views
from integrations.registry import platforms

urlpatterns = [
    path("", views.integration_list, name="integration_list"),
    path("outbox/", views.outbox_list, name="outbox_list"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    *(path(f"{spec.platform}/", include(spec.urls)) for spec in platforms() if spec.urls),
]
