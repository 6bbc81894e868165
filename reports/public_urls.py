"""The public results pages: names without a namespace (`home`, `public_results`, ...)."""

from django.urls import path

from reports.views import evidence, public

urlpatterns = [
    path("", public.public_results, name="home"),
    path("hasil/", public.public_results, name="public_results"),
    path("hasil/bukti/<int:pk>/", evidence.public_evidence, name="public_evidence"),
    path("hasil/<periode_kode:periode_kode>/", public.public_results, name="public_results_period"),
    path("hasil/<periode_kode:periode_kode>/responden.csv", public.public_responses_csv, name="public_responses_csv"),
    path("hasil/<periode_kode:periode_kode>/<unit_kode:unit_kode>/", public.public_followup, name="public_followup"),
]
