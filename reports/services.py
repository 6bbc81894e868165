"""Writes of the follow-up domain: priorities, plans, realization, handled suggestions, flag reviews, report jobs."""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from datetime import date
from typing import Any, BinaryIO

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, Max
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import UNSUR_FIELDS, Period, Response, Unsur, filled_at
from surveys.services import period_held
from units.audit import audit_record
from units.models import Unit

from .models import FlagReview, KatalogTindakLanjut, PeriodSnapshot, PrioritasUnsur, TindakLanjut
from .selectors import age_bucket, next_period, unit_results

MAX_PRIORITIES = 3
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _ensure_plan_editable(period: Period) -> None:
    """Inside the caller's transaction: the period's row is locked, so a concurrent lock waits."""
    if period_held(period).is_locked:
        raise ValidationError(_("Period %(kode)s is locked: its priorities and plans can no longer change.") % {"kode": period.kode})


@transaction.atomic
def prioritas_set(*, user: Any, unit: Unit, period: Period, unsur_codes: list[str]) -> list[PrioritasUnsur]:
    """Replace the unit's priority elements (at most three, in order); kept ones keep their actions."""
    _ensure_plan_editable(period)
    codes = [c for c in unsur_codes if c]
    if len(codes) > MAX_PRIORITIES:
        raise ValidationError(_("Choose at most three priority elements."))
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each priority element can be chosen only once."))
    unsur = {u.kode: u for u in Unsur.objects.filter(kode__in=codes)}
    if len(unsur) != len(codes):
        raise ValidationError(_("Unknown service element."))
    existing = {p.unsur.kode: p for p in PrioritasUnsur.objects.select_for_update().filter(unit=unit, period=period).select_related("unsur")}
    for code in [code for code in existing if code not in codes]:
        existing.pop(code).delete()
    # Move the kept ones out of the way first: (unit, period, urutan) is unique.
    for offset, prioritas in enumerate(PrioritasUnsur.objects.filter(unit=unit, period=period)):
        prioritas.urutan = 100 + offset
        prioritas.save(update_fields=["urutan"])
    result = []
    for order, code in enumerate(codes, start=1):
        prioritas = existing.get(code)
        if prioritas is None:
            prioritas = PrioritasUnsur.objects.create(unit=unit, period=period, unsur=unsur[code], urutan=order)
        else:
            prioritas.urutan = order
            prioritas.save(update_fields=["urutan"])
        result.append(prioritas)
    audit_record(user=user, action="prioritas", unit=unit, period=period, detail=", ".join(codes) or "-")
    return result


@transaction.atomic
def tindak_lanjut_add(
    *, user: Any, prioritas: PrioritasUnsur, teks: str, katalog: KatalogTindakLanjut | None, target: date, penanggung_jawab: str
) -> TindakLanjut:
    _ensure_plan_editable(prioritas.period)
    if katalog is not None:
        if katalog.unsur_id != prioritas.unsur_id:
            raise ValidationError(_("That catalog action belongs to another service element."))
        teks = teks.strip() or katalog.teks
    if not teks.strip():
        raise ValidationError(_("Write the action or pick one from the catalog."))
    last = prioritas.tindak_lanjut.aggregate(last=Max("nomor"))["last"] or 0
    action = TindakLanjut.objects.create(
        prioritas=prioritas, nomor=last + 1, teks=teks.strip(), katalog=katalog, target=target,
        penanggung_jawab=penanggung_jawab.strip(),
    )
    audit_record(
        user=user, action="rencana_tambah", unit=prioritas.unit, period=prioritas.period,
        detail=f"{prioritas.unsur.kode} {action.nomor}. {action.teks}",
    )
    return action


@transaction.atomic
def tindak_lanjut_delete(*, user: Any, action: TindakLanjut) -> None:
    prioritas = action.prioritas
    _ensure_plan_editable(prioritas.period)
    detail = f"{prioritas.unsur.kode} {action.nomor}. {action.teks}"
    action.delete()
    # Keep the numbering 1, 2, 3 without gaps, as the report prints it.
    for number, remaining in enumerate(prioritas.tindak_lanjut.order_by("nomor"), start=1):
        if remaining.nomor != number:
            remaining.nomor = number
            remaining.save(update_fields=["nomor"])
    audit_record(user=user, action="rencana_hapus", unit=prioritas.unit, period=prioritas.period, detail=detail)


def realization_open(period: Period) -> bool:
    """A plan's realization is recorded during the next period, until that one is locked."""
    following = next_period(period)
    return period.is_locked and (following is None or not following.is_locked)


def evidence_check(upload: UploadedFile) -> str:
    """The evidence's real type from its content (not its name); ValidationError if not PDF/JPG/PNG."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The evidence file is larger than 10 MB."))
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(_("The evidence must be a PDF, JPG or PNG file (checked by its content)."))
    return EVIDENCE_TYPES[kind.mime]


@transaction.atomic
def realisasi_record(
    *, user: Any, action: TindakLanjut, progres: int, bukti_file: UploadedFile | None = None, bukti_tautan: str = "",
    bukti_publik: bool = False,
) -> TindakLanjut:
    period = action.prioritas.period
    if not realization_open(period):
        raise ValidationError(
            _("The realization of period %(kode)s is recorded during the next period, until that one is locked.")
            % {"kode": period.kode}
        )
    if not 0 <= progres <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    if bukti_file:
        extension = evidence_check(bukti_file)
        bukti_file.name = f"bukti.{extension}"
        if action.bukti_file:
            action.bukti_file.delete(save=False)
        action.bukti_file = bukti_file
    if bukti_tautan:
        action.bukti_tautan = bukti_tautan
    action.progres = progres
    action.bukti_publik = bukti_publik
    action.realisasi_diubah = timezone.now()
    action.save()
    audit_record(
        user=user, action="realisasi", unit=action.prioritas.unit, period=period,
        detail=f"{action.prioritas.unsur.kode} {action.nomor}: {progres}%" + (" + bukti" if bukti_file or bukti_tautan else ""),
    )
    return action


def saran_mark_handled(*, user: Any, response: Response, handled: bool) -> None:
    response.saran_ditangani = handled
    response.save(update_fields=["saran_ditangani"])
    audit_record(user=user, action="saran_ditangani" if handled else "saran_dibuka", unit=response.unit, period=response.period, detail=f"#{response.pk}")


def demo_follow_up_load(*, period: Period, previous: Period, reference: list) -> None:
    """The demo's follow-up: each unit's published priorities with catalog actions in `period`,
    and a plan in `previous` whose recorded progress averages to the published realization."""
    from surveys.demo import realization_progress

    if PrioritasUnsur.objects.filter(period__in=[period, previous]).exists():
        return
    units = {u.kode: u for u in Unit.objects.all()}
    unsur = {u.kode: u for u in Unsur.objects.all()}
    katalog = {(k.unsur.kode, k.nomor): k for k in KatalogTindakLanjut.objects.select_related("unsur")}
    for ref in reference:
        unit = units[ref.kode]
        for plan_period, progress in ((period, None), (previous, realization_progress(ref.realisasi))):
            chosen = [PrioritasUnsur.objects.create(unit=unit, period=plan_period, unsur=unsur[c], urutan=n) for n, c in enumerate(ref.prioritas, start=1)]
            count = len(progress) if progress else len(chosen)
            for index in range(count):
                prioritas = chosen[index % len(chosen)]
                nomor = index // len(chosen) + 1
                item = katalog[(prioritas.unsur.kode, (nomor - 1) % 3 + 1)]
                TindakLanjut.objects.create(
                    prioritas=prioritas, nomor=nomor, teks=item.teks, katalog=item,
                    target=plan_period.tanggal_selesai.replace(year=plan_period.tanggal_selesai.year + 1, month=6, day=30),
                    penanggung_jawab=f"Kepala {unit.nama}"[:200], progres=progress[index] if progress else None,
                )


# --- Report jobs ---------------------------------------------------------------------------

REPORT_FILE_NAMES = {
    "city_pdf": "laporan-skm-{period}.pdf",
    "unit_pdf": "laporan-skm-{period}-{unit}.pdf",
    "city_xlsx": "rekap-skm-{period}.xlsx",
    "raw_xlsx": "respons-{period}{unit_suffix}.xlsx",
}


def flag_review(*, user: Any, unit: Unit, period: Period, code: str, catatan: str) -> FlagReview:
    """Mark a unit's data-quality flag as reviewed, with the reviewer's note; responses stay as they are."""
    from .quality import unit_flags

    catatan = catatan.strip()
    if not catatan:
        raise ValidationError(_("Write what you checked and concluded before marking the flag as reviewed."))
    (result,) = unit_results(period=period, units=[unit])
    flag = next((f for f in unit_flags(period=period, result=result) if f.code == code), None)
    if flag is None:
        raise ValidationError(_("This flag is no longer raised for the unit; nothing to review."))
    review, _created = FlagReview.objects.update_or_create(
        period=period, unit=unit, code=code,
        defaults={"fingerprint": flag.fingerprint, "catatan": catatan, "reviewed_by": user if user.is_authenticated else None},
    )
    audit_record(user=user, action="tanda_ditinjau", unit=unit, period=period, detail=f"{code}: {catatan}")
    return review


def report_job_start(*, user: Any, kind: str, period: Period, unit: Unit | None = None, public_edition: bool = True):
    """Record a report job and queue it after the transaction commits.

    With no broker configured the task runs in-process at once. If the broker cannot be
    reached the job is marked failed with a clear message instead of raising.
    """
    from .models import ReportJob
    from .tasks import generate_report

    job = ReportJob.objects.create(kind=kind, period=period, unit=unit, requested_by=user, public_edition=public_edition)
    audit_record(user=user, action="laporan", unit=unit, period=period, detail=job.get_kind_display())

    def enqueue() -> None:
        try:
            generate_report.apply_async(args=[job.pk], retry=False)
        except Exception as error:  # the broker is down: say so on the job, never a 500
            ReportJob.objects.filter(pk=job.pk).update(
                state=ReportJob.State.FAILED, finished_at=timezone.now(),
                error=_("The report generator is unavailable at the moment (%(error)s). Try again later.") % {"error": type(error).__name__},
            )

    transaction.on_commit(enqueue)
    return job


def _job_progress(job_id: int, stage: str, percent: int) -> None:
    from .models import ReportJob

    ReportJob.objects.filter(pk=job_id).update(stage=stage, percent=percent, heartbeat=timezone.now())


def report_job_run(*, job_id: int) -> None:
    """Make the job's file. Runs in the worker; a second delivery (lost worker) starts over."""
    from celery.exceptions import SoftTimeLimitExceeded
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db.models import F

    from .models import ReportJob

    job = ReportJob.objects.select_related("period", "unit").filter(pk=job_id).first()
    if job is None or job.state in (ReportJob.State.DONE, ReportJob.State.FAILED):
        return
    if job.attempts >= settings.SKM_REPORT_MAX_ATTEMPTS:
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.FAILED, finished_at=timezone.now(),
            error=_("The report failed %(n)s times (the worker stopped each time).") % {"n": job.attempts},
        )
        return
    ReportJob.objects.filter(pk=job_id).update(
        state=ReportJob.State.RUNNING, attempts=F("attempts") + 1, heartbeat=timezone.now(),
        stage=_("Starting"), percent=1,
    )
    try:
        content = report_content(job, progress=lambda stage, percent: _job_progress(job_id, stage, percent))
    except SoftTimeLimitExceeded:
        _job_failed(job_id, _("The report took longer than the time limit and was stopped."))
        return
    except Exception as error:  # recorded for the user; the traceback goes to the worker log
        import logging

        logging.getLogger(__name__).exception("report job %s failed", job_id)
        _job_failed(job_id, _("The report could not be made: %(error)s") % {"error": error})
        return
    name = REPORT_FILE_NAMES[job.kind].format(
        period=job.period.kode, unit=job.unit.kode if job.unit else "", unit_suffix=f"-{job.unit.kode}" if job.unit else ""
    )
    job.refresh_from_db()
    if job.state != ReportJob.State.RUNNING:
        return  # declared failed meanwhile (stale): the user was told so, a new job is theirs to start
    job.file.save(name, ContentFile(content), save=False)
    ReportJob.objects.filter(pk=job_id, state=ReportJob.State.RUNNING).update(
        file=job.file.name, state=ReportJob.State.DONE, stage=_("Done"), percent=100, finished_at=timezone.now()
    )


def _job_failed(job_id: int, message: str) -> None:
    from .models import ReportJob

    ReportJob.objects.filter(pk=job_id).update(state=ReportJob.State.FAILED, error=message, finished_at=timezone.now())


def report_content(job, *, progress) -> bytes:
    """The bytes of a job's document."""
    from .documents import report_data, write_raw_responses_xlsx, write_report_xlsx

    if job.kind == "city_pdf":
        from .pdf_report import city_report_pdf

        return city_report_pdf(period=job.period, progress=progress, public_edition=job.public_edition)
    if job.kind == "unit_pdf":
        from .pdf_report import unit_report_pdf

        progress(_("Making the PDF"), 50)
        return unit_report_pdf(unit=job.unit, period=job.period)
    buffer = io.BytesIO()
    progress(_("Collecting data"), 20)
    if job.kind == "city_xlsx":
        write_report_xlsx(report_data(period=job.period, unit=job.unit), buffer, plans_of=job.period)
    else:
        write_raw_responses_xlsx(period=job.period, unit=job.unit, output=buffer)
    return buffer.getvalue()


def report_jobs_expire_stale() -> int:
    """Mark failed the running jobs whose worker stopped sending heartbeats; returns how many."""
    from datetime import timedelta

    from django.conf import settings

    from .models import ReportJob

    limit = timezone.now() - timedelta(seconds=settings.SKM_REPORT_STALE_SECONDS)
    return ReportJob.objects.filter(state=ReportJob.State.RUNNING, heartbeat__lt=limit).update(
        state=ReportJob.State.FAILED, finished_at=timezone.now(),
        error=_("The report stopped: its worker did not answer any more. Try again."),
    )


def generator_status() -> str | None:
    """None when reports can be made; otherwise why not (the broker cannot be reached)."""
    from django.conf import settings

    from .tasks import generate_report

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    try:
        with generate_report.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return _("The report generator is unavailable at the moment (%(error)s). Try again later.") % {"error": type(error).__name__}
    return None


# The canonical CSV of a locked period: anonymized (no client hash, no suggestion, no ids; the
# day instead of the time, age bands instead of ages, so a respondent is not re-identified),
# UTF-8, LF line ends, one header line, rows ordered by unit code, then by all their values as
# text (compared by code point), so the same responses always give the same bytes and SHA-256.
CANONICAL_COLUMNS = (
    "kode_unit", "tanggal_isi", "kelompok_umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan",
    *UNSUR_FIELDS, "cara_pengisian",
)
_CANONICAL_FIELDS = (
    "unit__kode", "waktu_isi", "umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan",
    *UNSUR_FIELDS, "channel",
)
_BYTEWISE = {"postgresql": "C", "sqlite": "BINARY"}


def canonical_csv_write(*, period: Period, output: BinaryIO) -> tuple[str, dict[str, str], int]:
    """Write the period's canonical responses CSV; returns its SHA-256, the SHA-256 of each
    unit's rows (keyed by unit code) and the number of rows. Streamed one unit at a time."""
    collation = _BYTEWISE.get(connection.vendor)
    rows = (
        Response.objects.filter(period=period).annotate(waktu_isi=filled_at())
        .order_by(Collate(F("unit__kode"), collation) if collation else "unit__kode")
        .values_list(*_CANONICAL_FIELDS)
    )
    total, units, count = hashlib.sha256(), {}, 0

    def write(line: bytes) -> None:
        total.update(line)
        output.write(line)

    def emit_unit(kode: str, lines: list[tuple[str, ...]]) -> None:
        digest = hashlib.sha256()
        for values in sorted(lines):
            line = _csv_line(values)
            digest.update(line)
            write(line)
        units[kode] = digest.hexdigest()

    write(_csv_line(CANONICAL_COLUMNS))
    current, lines = None, []
    for kode, waktu, umur, *rest in rows.iterator(chunk_size=5000):
        if kode != current:
            if current is not None:
                emit_unit(current, lines)
            current, lines = kode, []
        lines.append((kode, timezone.localtime(waktu).strftime("%Y-%m-%d"), age_bucket(umur), *(str(v) for v in rest)))
        count += 1
    if current is not None:
        emit_unit(current, lines)
    return total.hexdigest(), units, count


def _csv_line(values) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode("utf-8")


def period_snapshot_create(*, period: Period) -> PeriodSnapshot:
    """Store the figures of a period being locked and the fingerprint of its responses (once)."""
    from .documents import report_data

    existing = PeriodSnapshot.objects.filter(period=period).first()
    if existing is not None:
        return existing
    with tempfile.TemporaryFile() as stream:
        csv_sha256, unit_sha256, count = canonical_csv_write(period=period, output=stream)
        snapshot = PeriodSnapshot(
            period=period, data=report_data(period=period, live=True), rows=count,
            csv_sha256=csv_sha256, unit_sha256=unit_sha256,
        )
        stream.seek(0)
        snapshot.csv_file.save(f"skm-{period.kode}-responden.csv", File(stream), save=False)
    snapshot.save()
    return snapshot
