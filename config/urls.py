from django.urls import include, path

from brands.views import home

brand_patterns = [
    path("", include("delivery_notes.urls")),
    path("", include("delivery_notes.catalogue.urls")),
    path("members/", include("brands.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/integrations/", include("integrations.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("brands.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inbound/", include("integrations.inbound_urls")),
    path("b/<slug:brand_slug>/", include(brand_patterns)),
]
