from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports import views as report_views

from .health import health

urlpatterns = [
    path("", report_views.public_results, name="home"),
    path("hasil/", report_views.public_results, name="public_results"),
    path("hasil/bukti/<int:pk>/", report_views.public_evidence, name="public_evidence"),
    path("hasil/<str:kode>/", report_views.public_results, name="public_results_period"),
    path("hasil/<str:kode>/responden.csv", report_views.public_responses_csv, name="public_responses_csv"),
    path("hasil/<str:periode>/<str:kode>/", report_views.public_followup, name="public_followup"),
    path("", include("surveys.urls")),
    path("", include("units.urls")),
    path("", include("reports.urls")),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sehat/", health, name="health"),
]
