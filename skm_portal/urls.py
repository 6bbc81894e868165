"""The URLconf: each app's pages (by module name, so this package imports no app), login, admin, health."""

from django.contrib import admin
from django.urls import include, path

from skm_portal.health import health

urlpatterns = [
    path("", include("reports.public_urls")),
    path("", include("surveys.urls")),
    path("", include("units.urls")),
    path("", include("reports.urls")),
    path("", include("units.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sehat/", health, name="health"),
]
