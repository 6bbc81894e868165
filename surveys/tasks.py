"""Scheduled housekeeping of the survey domain (Celery beat: CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from surveys.services.retention import retention_purge


@shared_task(name="surveys.purge_client_hashes")
def purge_client_hashes() -> dict[str, int]:
    return retention_purge()
