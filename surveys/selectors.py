"""Reads of the survey domain."""

from __future__ import annotations

import uuid

from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from units.models import Unit

from .models import Period, PrivacyNotice, Response, Unsur


def period_open_on(day: date | None = None) -> Period | None:
    """The open period whose dates contain the day (today in Asia/Jakarta by default)."""
    day = day or timezone.localdate()
    return (
        Period.objects.filter(status=Period.Status.OPEN, tanggal_mulai__lte=day, tanggal_selesai__gte=day)
        .order_by("-tanggal_mulai")
        .first()
    )


UNSUR_CACHE_KEY = "surveys:unsur-list"
UNSUR_CACHE_SECONDS = 60


def unsur_list() -> list[Unsur]:
    """The nine unsur in order; cached briefly, as every questionnaire needs them (cleared on save)."""
    return cache.get_or_set(UNSUR_CACHE_KEY, lambda: list(Unsur.objects.order_by("urutan")), UNSUR_CACHE_SECONDS)


def response_stored(*, submission_id: Any, unit: Unit) -> bool:
    """Whether this unit already stored a questionnaire with this id (as posted: any text, a UUID
    or not). Its repeats answer success before anything else is checked: the answer was stored
    even if the unit closed or its service list changed since."""
    try:
        key = uuid.UUID(str(submission_id))
    except ValueError:
        return False
    return Response.objects.filter(submission_id=key, unit=unit).exists()


# Shipped until the city admin writes its own (UU 27/2022 on personal data protection).
PRIVACY_NOTICE_DEFAULT = """\
Pemberitahuan privasi Survei Kepuasan Masyarakat (SKM)

Survei ini diselenggarakan oleh Pemerintah Kota untuk mengukur dan memperbaiki mutu pelayanan publik, sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017. Pemrosesan data mengikuti Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.

Data yang dikumpulkan
- Jawaban Anda atas sembilan unsur pelayanan dan saran (jika Anda menulisnya).
- Umur, jenis kelamin, pendidikan, pekerjaan, dan jenis layanan yang Anda gunakan.
- Waktu pengisian.
Kami tidak meminta nama, NIK, nomor telepon, alamat, atau email. Mohon jangan menuliskannya di kolom saran.

Untuk mencegah penyalahgunaan (misalnya pengisian berulang secara otomatis), alamat jaringan perangkat Anda tidak disimpan; yang disimpan hanya kode samaran satu arah (hash berkunci) dari alamat itu, dan kode itu dihapus setelah {days} hari. Selama kode itu tersimpan, jawaban Anda bersifat tersamarkan (pseudonim), belum sepenuhnya anonim.

Tujuan dan penggunaan
Jawaban diolah menjadi Indeks Kepuasan Masyarakat (IKM) tiap unit dan kota. Hasil yang diterbitkan hanya berupa angka gabungan; saran dibaca oleh pengelola unit untuk perbaikan layanan. Data tidak dijual dan tidak diberikan kepada pihak lain di luar keperluan tersebut.

Jika formulir diisi tanpa sambungan internet, jawaban disimpan sementara di perangkat Anda dan dikirim otomatis saat sambungan kembali.

Pertanyaan tentang survei ini dapat disampaikan kepada Bagian Organisasi Sekretariat Daerah.
"""


def privacy_notice_text() -> str:
    """The privacy notice as the city admin wrote it, or the default."""
    notice = PrivacyNotice.objects.filter(pk=PrivacyNotice.SINGLETON_PK).first()
    if notice is not None:
        return notice.teks
    return PRIVACY_NOTICE_DEFAULT.format(days=settings.SKM_CLIENT_HASH_RETENTION_DAYS)
