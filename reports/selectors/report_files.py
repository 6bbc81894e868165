"""What a report job's file is called: the city, the period, the unit and the edition at a glance."""

from __future__ import annotations

from django.utils.text import slugify

from reports.models import ReportJob
from reports.selectors.signing import report_front_matter

_PREFIXES = {
    ReportJob.Kind.CITY_PDF: "laporan-skm",
    ReportJob.Kind.UNIT_PDF: "laporan-skm",
    ReportJob.Kind.CITY_XLSX: "rekap-skm",
    ReportJob.Kind.RAW_XLSX: "respons-skm",
}


def report_file_name(job: ReportJob) -> str:
    """e.g. laporan-skm-kota-pekalongan-2023-S2-publik.pdf, rekap-skm-kota-pekalongan-2023-S2-internal.xlsx,
    laporan-skm-kota-pekalongan-2023-S2-UPP017-publik.pdf."""
    extension = "pdf" if job.kind in (ReportJob.Kind.CITY_PDF, ReportJob.Kind.UNIT_PDF) else "xlsx"
    parts = [_PREFIXES[job.kind], slugify(report_front_matter(job.period).kota) or "kota", job.period.kode]
    if job.unit is not None:
        parts.append(job.unit.kode)
    parts.append("publik" if job.public_edition else "internal")
    return f"{'-'.join(parts)}.{extension}"
