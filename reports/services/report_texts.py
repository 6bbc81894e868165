"""The words of a period's city report and the city IKM of periods before the portal (audited)."""

from __future__ import annotations

from typing import Any

from reports.models import FrontMatter, HistoricalIkm
from units.services.audit import audit_record


def front_matter_save(*, front_matter: FrontMatter, user: Any) -> FrontMatter:
    front_matter.save()
    audit_record(user=user, action="pengantar_laporan", periode=front_matter.period.kode)
    return front_matter


def historical_ikm_add(*, item: HistoricalIkm, user: Any) -> HistoricalIkm:
    item.save()
    audit_record(user=user, action="riwayat_ikm", detail=f"{item.label}: {item.ikm}")
    return item


def historical_ikm_delete(*, item: HistoricalIkm, user: Any) -> None:
    detail = f"{item.label}: {item.ikm}"
    item.delete()
    audit_record(user=user, action="riwayat_ikm_hapus", detail=detail)
