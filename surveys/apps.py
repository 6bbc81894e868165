from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from django.core.cache import cache
        from django.db.models.signals import post_save

        from .selectors import UNSUR_CACHE_KEY

        post_save.connect(
            lambda **kwargs: cache.delete(UNSUR_CACHE_KEY), sender="surveys.Unsur", weak=False,
            dispatch_uid="surveys.unsur-cache",
        )
