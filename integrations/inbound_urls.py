"""The URLs platforms call (outside any brand's pages: the token in the path picks the brand)."""

from django.urls import path

from integrations.registry import platforms

urlpatterns = [
    path(f"{spec.platform}/<str:token>/", spec.inbound_view, name=f"inbound_{spec.platform}")
    for spec in platforms()
    if spec.inbound_view
]
