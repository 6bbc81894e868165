"""Keeping no more than abuse detection needs (UU 27/2022): client hashes and rate-limit rows expire."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from surveys.models import RateLimitBucket, Response

RATE_LIMIT_BUCKET_STALE_SECONDS = 24 * 3600  # any bucket is full again long before


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Clear the client hash of responses older than SKM_CLIENT_HASH_RETENTION_DAYS and delete stale
    rate limit buckets: abuse detection needs neither for long, and UU 27/2022 wants no more kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SKM_CLIENT_HASH_RETENTION_DAYS)
    hashes = Response.objects.filter(submitted_at__lt=cutoff).exclude(client_hash="").update(client_hash="")
    buckets, _deleted = RateLimitBucket.objects.filter(
        updated__lt=now.timestamp() - RATE_LIMIT_BUCKET_STALE_SECONDS
    ).delete()
    return {"client_hashes": hashes, "rate_limit_buckets": buckets}
