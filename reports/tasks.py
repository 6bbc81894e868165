"""Report generation in a Celery worker; every step is recorded on its ReportJob."""

from __future__ import annotations

from celery import shared_task

from reports.services.report_generation import report_job_run


@shared_task(name="reports.generate_report")
def generate_report(job_id: int) -> None:
    report_job_run(job_id=job_id)
