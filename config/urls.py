from django.urls import include, path

from brands.profile_views import brand_logo, brand_profile_edit
from brands.views import brand_settings, favicon, home

brand_patterns = [
    path("", include("delivery_notes.urls")),
    path("", include("delivery_notes.catalogue.urls")),
    path("members/", include("brands.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/integrations/", include("integrations.urls")),
    path("settings/brand/", brand_profile_edit, name="brand_profile"),
    path("settings/brand/logo/", brand_logo, name="brand_logo"),
    path("settings/brand/images/", brand_settings, name="brand_settings"),
]

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says: answer rather than log a 404.
    path("favicon.ico", favicon),
    path("accounts/", include("brands.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inbound/", include("integrations.inbound_urls")),
    path("b/<slug:brand_slug>/", include(brand_patterns)),
]
