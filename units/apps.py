from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from units.converters import UnitKodeConverter


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Service units")

    def ready(self) -> None:
        register_converter(UnitKodeConverter, "unit_kode")
