"""The Celery app; its settings are the CELERY_* names of Django's settings."""

import os

from celery import Celery
from django.conf import settings
from django.utils.translation import gettext as _

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skm_portal.settings")

app = Celery("skm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def broker_problem() -> str | None:
    """None when tasks can be queued (eager mode, or the broker answers); otherwise why not."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return _("The report generator is unavailable at the moment (%(error)s). Try again later.") % {
            "error": type(error).__name__
        }
    return None
