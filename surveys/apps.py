from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from surveys.converters import PeriodeKodeConverter


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        register_converter(PeriodeKodeConverter, "periode_kode")
