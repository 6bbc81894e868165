"""Recording the realisasi of a plan's tindak lanjut during the next period: progress and evidence."""

from __future__ import annotations

from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import TindakLanjut
from surveys.models import Period
from surveys.selectors.periods import next_period
from units.services.audit import audit_record

BUKTI_MAX_BYTES = 10 * 1024 * 1024
# The evidence types accepted (checked by content): content type -> the extension the file is stored under.
BUKTI_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
BUKTI_CONTENT_TYPES = {extension: content_type for content_type, extension in BUKTI_TYPES.items()}


def realisasi_open(period: Period) -> bool:
    """A plan's realisasi is recorded during the next period, until that one is locked."""
    following = next_period(period)
    return period.is_locked and (following is None or not following.is_locked)


def bukti_check(upload: UploadedFile) -> str:
    """The evidence's real type from its content (not its name); ValidationError if not PDF/JPG/PNG."""
    if upload.size > BUKTI_MAX_BYTES:
        raise ValidationError(_("The evidence file is larger than 10 MB."))
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in BUKTI_TYPES:
        raise ValidationError(_("The evidence must be a PDF, JPG or PNG file (checked by its content)."))
    return BUKTI_TYPES[kind.mime]


@transaction.atomic
def realisasi_record(
    *,
    user: Any,
    tindak_lanjut: TindakLanjut,
    progres: int,
    bukti_file: UploadedFile | None = None,
    bukti_tautan: str = "",
    bukti_publik: bool = False,
) -> TindakLanjut:
    prioritas = tindak_lanjut.prioritas
    period = prioritas.period
    if not realisasi_open(period):
        raise ValidationError(
            _("The realization of period %(kode)s is recorded during the next period, until that one is locked.")
            % {"kode": period.kode}
        )
    if not 0 <= progres <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    if bukti_file:
        extension = bukti_check(bukti_file)
        bukti_file.name = f"bukti.{extension}"
        if tindak_lanjut.bukti_file:
            tindak_lanjut.bukti_file.delete(save=False)
        tindak_lanjut.bukti_file = bukti_file
    if bukti_tautan:
        tindak_lanjut.bukti_tautan = bukti_tautan
    tindak_lanjut.progres = progres
    tindak_lanjut.bukti_publik = bukti_publik
    tindak_lanjut.realisasi_diubah = timezone.now()
    tindak_lanjut.save()
    evidence = " + bukti" if bukti_file or bukti_tautan else ""
    audit_record(
        user=user,
        action="realisasi",
        unit=prioritas.unit,
        periode=period.kode,
        detail=f"{prioritas.unsur.kode} {tindak_lanjut.nomor}: {progres}%{evidence}",
    )
    return tindak_lanjut
