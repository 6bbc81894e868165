"""The privacy notice (UU 27/2022) as shown at /privasi/."""

from __future__ import annotations

from django.conf import settings

from surveys.models import PrivacyNotice

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
