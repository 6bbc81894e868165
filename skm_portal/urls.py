from django.contrib import admin
from django.urls import include, path

from reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
