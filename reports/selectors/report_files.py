"""What a report's file is called, made by a job or on request: the city, the period, the unit and the edition
at a glance."""

from __future__ import annotations

from django.utils.text import slugify

from reports.models import ReportJob
from reports.selectors.signing import report_front_matter
from surveys.models import Period
from units.models import Unit

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
    edition = "publik" if job.public_edition else "internal"
    return document_file_name(_PREFIXES[job.kind], job.period, job.unit, edition, extension)


def document_file_name(
    prefix: str, period: Period, unit: Unit | None = None, edition: str = "", extension: str = "pdf"
) -> str:
    """prefix-city-period[-unit][-edition].extension, e.g. realisasi-skm-kota-pekalongan-2023-S2-UPP016.pdf."""
    parts = [prefix, slugify(report_front_matter(period).kota) or "kota", period.kode]
    if unit is not None:
        parts.append(unit.kode)
    if edition:
        parts.append(edition)
    return f"{'-'.join(parts)}.{extension}"
