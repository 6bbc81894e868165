"""The privacy notice (UU 27/2022) as shown at /privasi/."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from surveys.models import PrivacyNotice

# Shipped until the city admin writes its own (UU 27/2022 on personal data protection); {days} is the
# retention of the client hash.
PRIVACY_NOTICE_DEFAULT = (Path(__file__).resolve().parent.parent / "privacy_default.txt").read_text(encoding="utf-8")


def privacy_notice_text() -> str:
    """The privacy notice as the city admin wrote it, or the default."""
    notice = PrivacyNotice.objects.filter(pk=PrivacyNotice.SINGLETON_PK).first()
    if notice is not None:
        return notice.teks
    return PRIVACY_NOTICE_DEFAULT.format(days=settings.SKM_CLIENT_HASH_RETENTION_DAYS)
