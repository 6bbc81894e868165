"""Making a report job's document, in the worker: each stage recorded on the ReportJob, the file stored
when done, a failure recorded with its reason."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.documents.data import report_data
from reports.documents.raw_xlsx import write_raw_responses_xlsx
from reports.documents.recap_xlsx import write_report_xlsx
from reports.models import ReportJob
from reports.pdf.city import city_report_pdf
from reports.pdf.unit import unit_report_pdf
from reports.selectors.report_files import report_file_name

logger = logging.getLogger(__name__)


def _job_progress(job_id: int, stage: str, percent: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(stage=stage, percent=percent, heartbeat=timezone.now())


def report_job_run(*, job_id: int) -> None:
    """Make the job's file. Runs in the worker; a second delivery (lost worker) starts over."""
    job = ReportJob.objects.select_related("period", "unit").filter(pk=job_id).first()
    if job is None or job.state in (ReportJob.State.DONE, ReportJob.State.FAILED):
        return
    if job.attempts >= settings.SKM_REPORT_MAX_ATTEMPTS:
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.FAILED,
            finished_at=timezone.now(),
            error=_("The report failed %(n)s times (the worker stopped each time).") % {"n": job.attempts},
        )
        return
    ReportJob.objects.filter(pk=job_id).update(
        state=ReportJob.State.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat=timezone.now(),
        stage=_("Starting"),
        percent=1,
    )
    try:
        content = report_content(job, progress=lambda stage, percent: _job_progress(job_id, stage, percent))
    except SoftTimeLimitExceeded:
        _job_failed(job_id, _("The report took longer than the time limit and was stopped."))
        return
    except Exception as error:  # recorded for the user; the traceback goes to the worker log
        logger.exception("report job %s failed", job_id)
        _job_failed(job_id, _("The report could not be made: %(error)s") % {"error": error})
        return
    job.refresh_from_db()
    if job.state != ReportJob.State.RUNNING:
        return  # declared failed meanwhile (stale): the user was told so, a new job is theirs to start
    job.file.save(report_file_name(job), ContentFile(content), save=False)
    ReportJob.objects.filter(pk=job_id, state=ReportJob.State.RUNNING).update(
        file=job.file.name, state=ReportJob.State.DONE, stage=_("Done"), percent=100, finished_at=timezone.now()
    )


def _job_failed(job_id: int, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(state=ReportJob.State.FAILED, error=message, finished_at=timezone.now())


def report_content(job: ReportJob, *, progress: Callable[[str, int], None]) -> bytes:
    """The bytes of a job's document."""
    if job.kind == ReportJob.Kind.CITY_PDF:
        return city_report_pdf(period=job.period, progress=progress, public_edition=job.public_edition)
    if job.kind == ReportJob.Kind.UNIT_PDF:
        progress(_("Making the PDF"), 50)
        return unit_report_pdf(unit=job.unit, period=job.period, public_edition=job.public_edition)
    buffer = io.BytesIO()
    progress(_("Collecting data"), 20)
    if job.kind == ReportJob.Kind.CITY_XLSX:
        write_report_xlsx(report_data(period=job.period, unit=job.unit), buffer, rencana_of=job.period)
    else:
        write_raw_responses_xlsx(period=job.period, unit=job.unit, output=buffer)
    return buffer.getvalue()
