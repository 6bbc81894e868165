"""The public results pages: names without a namespace (`home`, `public_results`, ...)."""

from django.urls import path

from reports.views import bukti, public

urlpatterns = [
    path("", public.public_results, name="home"),
    path("hasil/", public.public_results, name="public_results"),
    path("hasil/bukti/<int:pk>/", bukti.public_bukti, name="public_bukti"),
    path("hasil/<periode_kode:periode_kode>/", public.public_results, name="public_results_period"),
    path("hasil/<periode_kode:periode_kode>/responden.csv", public.public_responses_csv, name="public_responses_csv"),
    path("hasil/<periode_kode:periode_kode>/<unit_kode:unit_kode>/", public.public_rencana, name="public_rencana"),
]
