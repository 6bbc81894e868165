"""Report jobs: a document asked for on the web page, queued for a Celery worker (reports.tasks),
its progress recorded on a ReportJob."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ReportJob
from reports.tasks import generate_report
from surveys.models import Period
from units.models import Unit
from units.services.audit import audit_record

# Only the city report has two editions: the internal one adds the annex "Catatan kualitas data",
# which names units with problems. The other documents have one: a unit's report is the public one;
# the raw responses (suggestions included) and the recap (every plan's evidence, public or not) are internal.
FIXED_EDITIONS = {
    ReportJob.Kind.UNIT_PDF: True,
    ReportJob.Kind.CITY_XLSX: False,
    ReportJob.Kind.RAW_XLSX: False,
}


def report_job_start(
    *, user: Any, kind: str, period: Period, unit: Unit | None = None, public_edition: bool = True
) -> ReportJob:
    """Record a report job and queue it after the transaction commits.

    With no broker configured (eager mode) the task runs in a thread of this process once the
    transaction commits, so the request answers at once. If the broker cannot be reached the job
    is marked failed with a clear message instead of raising.
    """
    job = ReportJob.objects.create(
        kind=kind,
        period=period,
        unit=unit,
        requested_by=user,
        public_edition=FIXED_EDITIONS.get(kind, public_edition),
    )
    audit_record(user=user, action="laporan", unit=unit, periode=period.kode, detail=job.get_kind_display())

    def enqueue() -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            threading.Thread(target=_run_in_process, args=[job.pk], name=f"report-job-{job.pk}", daemon=True).start()
            return
        try:
            generate_report.apply_async(args=[job.pk], retry=False)
        except Exception as error:  # the broker is down: say so on the job, never a 500
            ReportJob.objects.filter(pk=job.pk).update(
                state=ReportJob.State.FAILED,
                finished_at=timezone.now(),
                error=_("The report generator is unavailable at the moment (%(error)s). Try again later.")
                % {"error": type(error).__name__},
            )

    transaction.on_commit(enqueue)
    return job


def _run_in_process(job_id: int) -> None:
    """The eager task in its own thread, with its own database connection, closed when done.

    A web process that stops meanwhile (runserver reloading) leaves the job running without
    heartbeats: report_jobs_expire_stale marks it failed, as with a lost worker."""
    try:
        generate_report.apply(args=[job_id])
    finally:
        connections.close_all()


def report_jobs_expire_stale() -> int:
    """Mark failed the running jobs whose worker stopped sending heartbeats; returns how many."""
    limit = timezone.now() - timedelta(seconds=settings.SKM_REPORT_STALE_SECONDS)
    return ReportJob.objects.filter(state=ReportJob.State.RUNNING, heartbeat__lt=limit).update(
        state=ReportJob.State.FAILED,
        finished_at=timezone.now(),
        error=_("The report stopped: its worker did not answer any more. Try again."),
    )
