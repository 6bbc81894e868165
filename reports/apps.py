from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from reports.flags import FLAG_LABELS
        from units.models import AUDIT_DETAIL_CODE_LABELS

        # A flag review's audit detail starts with the flag's code.
        AUDIT_DETAIL_CODE_LABELS["tanda_ditinjau"] = FLAG_LABELS
