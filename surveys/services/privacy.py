"""The privacy notice's text, edited by the city admin."""

from __future__ import annotations

from typing import Any

from surveys.models import PrivacyNotice
from units.services.audit import audit_record


def privacy_notice_save(*, teks: str, user: Any) -> PrivacyNotice:
    """Replace the privacy notice's text; the audit trail keeps who wrote which text."""
    notice, _created = PrivacyNotice.objects.update_or_create(
        pk=PrivacyNotice.SINGLETON_PK, defaults={"teks": teks, "diubah_oleh": user}
    )
    audit_record(user=user, action="privasi_ubah", detail=teks)
    return notice
