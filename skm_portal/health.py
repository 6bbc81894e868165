"""Health endpoint for load balancers and docker-compose: the database must answer; Redis is reported."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from skm_portal.celery import broker_problem


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as error:  # the answer itself is the diagnosis
        database = f"unavailable: {type(error).__name__}"
    body = {
        "status": "ok" if database == "ok" else "error",
        "database": database,
        # Reports need the broker; questionnaires and pages do not, so Redis down is not a failure.
        "report_generator": "ok" if broker_problem() is None else "unavailable",
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
