"""What units do with their results: priority elements, follow-up plans and their realization."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class KatalogTindakLanjut(models.Model):
    """A standard follow-up action of the city's catalog (3 per unsur), loaded as data."""

    unsur = models.ForeignKey("surveys.Unsur", on_delete=models.CASCADE, related_name="katalog")
    nomor = models.PositiveSmallIntegerField(_("number"))
    teks = models.TextField(_("action"))

    class Meta:
        ordering = ["unsur__urutan", "nomor"]
        constraints = [models.UniqueConstraint(fields=["unsur", "nomor"], name="unique_katalog_per_unsur")]
        verbose_name = _("catalog action")
        verbose_name_plural = _("catalog actions")

    def __str__(self) -> str:
        return f"{self.unsur.kode}.{self.nomor} {self.teks[:60]}"


class PrioritasUnsur(models.Model):
    """One of a unit's (at most three) priority elements for improvement in a period."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="prioritas")
    period = models.ForeignKey("surveys.Period", on_delete=models.PROTECT, related_name="prioritas")
    unsur = models.ForeignKey("surveys.Unsur", on_delete=models.PROTECT, related_name="+")
    urutan = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["unit", "period", "urutan"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period", "unsur"], name="unique_prioritas_unsur"),
            models.UniqueConstraint(fields=["unit", "period", "urutan"], name="unique_prioritas_urutan"),
        ]
        verbose_name = _("priority element")
        verbose_name_plural = _("priority elements")

    def __str__(self) -> str:
        return f"{self.unit.kode} {self.period} {self.urutan}. {self.unsur.label_singkat}"


def _bukti_path(instance: "TindakLanjut", filename: str) -> str:
    # Private storage (never under a public URL); the original name only keeps its extension.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    prioritas = instance.prioritas
    return f"bukti/{prioritas.period.kode}/{prioritas.unit.kode}/{instance.pk or 'baru'}-{instance.nomor}.{extension}"


class TindakLanjut(models.Model):
    """A numbered follow-up action for a priority element, and later its realization."""

    prioritas = models.ForeignKey(PrioritasUnsur, on_delete=models.CASCADE, related_name="tindak_lanjut")
    nomor = models.PositiveSmallIntegerField(_("number"))
    teks = models.TextField(_("action"), max_length=2000)
    katalog = models.ForeignKey(
        KatalogTindakLanjut, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.DateField(_("target date"))
    penanggung_jawab = models.CharField(_("person responsible"), max_length=200)
    # Realization, recorded during the next period.
    progres = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    bukti_file = models.FileField(_("evidence file"), upload_to=_bukti_path, blank=True, max_length=300)
    bukti_tautan = models.URLField(_("evidence link"), blank=True, max_length=500)
    # Evidence stays private unless the unit chooses to show it on the public follow-up page.
    bukti_publik = models.BooleanField(_("evidence shown publicly"), default=False)
    realisasi_diubah = models.DateTimeField(_("realization updated"), null=True, blank=True)
    # The suggestion theme (unsur code) the action answers, when the unit says so (surveys.saran_tema).
    tema_unsur = models.CharField(_("suggestion theme answered"), max_length=2, blank=True, default="", db_default="")

    class Meta:
        ordering = ["prioritas__urutan", "nomor"]
        constraints = [
            models.UniqueConstraint(fields=["prioritas", "nomor"], name="unique_tindak_lanjut_nomor"),
            models.CheckConstraint(condition=models.Q(progres__lte=100), name="tindak_lanjut_progres_max_100"),
        ]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return f"{self.prioritas} – {self.nomor}. {self.teks[:60]}"


DEFAULT_KATA_PENGANTAR = (
    "Dalam rangka peningkatan kualitas pelayanan publik yang diamanatkan pada Peraturan Menteri Pendayagunaan "
    "Aparatur Negara dan Reformasi Birokrasi Nomor 14 tahun 2017, maka dilakukan evaluasi terhadap penyelenggaraan "
    "pelayanan publik. Dalam penerapannya, untuk menilai kualitas pelayanan publik dilakukan Survey Kepuasan "
    "Masyarakat yang dilakukan secara berkala minimal satu tahun sekali. Hal ini merupakan salah satu upaya yang "
    "dapat digunakan untuk mengetahui kepuasan masyarakat terhadap pelayanan yang diberikan oleh pemerintah. Dalam "
    "melakukan penilaian kepuasan masyarakat, terdapat 9 (sembilan) unsur penilaian antara lain: persyaratan, "
    "prosedur, waktu pelayanan, biaya/ tarif/ produk spesifikasi jenis pelayanan, kompetisi pelaksana, perilaku "
    "pelaksana, sarana prasarana dan penanganan pengaduan.\n\n"
    "Dari hasil penilaian Survey Kepuasan Masyarakat yang dilakukan terhadap {jumlah_unit} Unit Penyelenggara "
    "Pelayanan di Lingkungan Pemerintah {kota}. Dari hasil pengolahan data diketahui bahwa pada periode {periode} "
    "didapatkan jumlah responden sebanyak {jumlah_responden} orang. Dari hasil tersebut maka Nilai Indeks Kepuasan "
    "Masyarakat pada Pemerintah {kota} adalah {ikm} dengan kategori {kategori}. Hasil tersebut diharapkan akan "
    "menjadi dasar bagi kami untuk memberikan pelayanan yang lebih baik kepada pengguna layanan.\n\n"
    "Demikian semoga laporan ini dapat memberikan gambaran kepuasan masyarakat terhadap pelayanan pada "
    "Pemerintah {kota}."
)
DEFAULT_LATAR_BELAKANG = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik dan Peraturan Pemerintah Nomor 96 Tahun 2012 "
    "tentang Pelaksanaan Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik, mengamanatkan penyelenggara "
    "wajib mengikutsertakan masyarakat dalam penyelenggaraan Pelayanan Publik sebagai upaya membangun sistem "
    "penyelenggaraan Pelayanan Publik yang adil, transparan, dan akuntabel.\n\n"
    "Diberlakukannya Permenpan RB Nomor 14 tahun 2017 tentang Pedoman Penyusunan survei Kepuasan Masyarakat Unit "
    "Penyelenggara Pelayanan Publik, memberikan pedoman bagi penyelenggara pelayanan untuk melibatkan masyarakat "
    "dalam penilaian kinerja pelayanan publik guna meningkatkan kualitas pelayanan publik yang diberikan. Untuk "
    "mengetahui sejauh mana kualitas pelayanan Pemerintah {kota}, maka perlu diselenggarakan survei pendapat tentang "
    "penilaian pengguna layanan publik terhadap pelayanan publik yang diberikan oleh penyedia publik. Metode yang "
    "dapat digunakan adalah dengan melakukan Survei Kepuasan Masyarakat (SKM)."
)
DEFAULT_DASAR_HUKUM = (
    "Undang-undang Nomor 25 Tahun 2009 tentang Pelayanan Publik.\n"
    "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang- Undang Nomor 25 Tahun 2009 tentang "
    "Pelayanan Publik.\n"
    "Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit "
    "Penyelenggara Pelayanan Publik."
)
DEFAULT_PENGUMPULAN_DATA = (
    "Sebagai tindak lanjut terhadap Surat Edaran Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi "
    "Nomor 11 Tahun 2021 tentang Pelaksanaan Survei Kepuasan Masyarakat di Lingkup Instansi Pemerintah, Pemerintah "
    "{kota} mengeluarkan surat Sekretaris Daerah Nomor {nomor_surat} perihal Permohonan Pemenuhan Responden Survei "
    "Kepuasan Masyarakat. Selanjutnya, Bagian Organisasi melakukan pendampingan kepada beberapa UPP khususnya yang "
    "belum pernah melaksanakan SKM, serta mengingatkan seluruh UPP terkait batas waktu pelaporan SKM."
)


class FrontMatter(models.Model):
    """The editable words of a period's city report; the defaults are the reference report's.

    Texts may use {kota}, {periode}, {jumlah_unit}, {jumlah_responden}, {ikm}, {kategori} and
    {nomor_surat}, filled from the figures when the report is made.
    """

    period = models.OneToOneField("surveys.Period", on_delete=models.CASCADE, related_name="front_matter")
    kota = models.CharField(_("city"), max_length=100, default="Kota Pekalongan")
    kata_pengantar = models.TextField(_("foreword"), default=DEFAULT_KATA_PENGANTAR)
    penandatangan_nama = models.CharField(
        _("signatory name"), max_length=200, default="H. ACHMAD AFZAN ARSLAN DJUNAID, S.E."
    )
    penandatangan_jabatan = models.CharField(_("signatory title"), max_length=200, default="Wali Kota Pekalongan")
    tempat = models.CharField(_("place"), max_length=100, default="Pekalongan")
    tanggal = models.DateField(_("date of signature"), null=True, blank=True)
    nomor_surat = models.CharField(_("letter number"), max_length=100, default="000.8.3/3690")
    latar_belakang = models.TextField(_("background"), default=DEFAULT_LATAR_BELAKANG)
    dasar_hukum = models.TextField(_("legal basis (one per line)"), default=DEFAULT_DASAR_HUKUM)
    pengumpulan_data = models.TextField(_("data collection (BAB II opening)"), default=DEFAULT_PENGUMPULAN_DATA)

    class Meta:
        verbose_name = _("report front matter")
        verbose_name_plural = _("report front matter")

    def __str__(self) -> str:
        return f"{self.period} – {self.kota}"


class HistoricalIkm(models.Model):
    """The city IKM of a period before the portal, so the trend chart starts where the city's does."""

    label = models.CharField(_("period"), max_length=20, unique=True, help_text=_("e.g. 2018 or 2022-S2"))
    # Follows from the period (reports.services.report_texts.historical_period): 201800 for 2018,
    # 202202 for 2022-S2, so a year comes before its semesters.
    urutan = models.PositiveIntegerField(_("sort key"), editable=False)
    ikm = models.DecimalField(
        _("city IKM"), max_digits=5, decimal_places=2, validators=[MinValueValidator(25), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["urutan"]
        verbose_name = _("historical city IKM")
        verbose_name_plural = _("historical city IKM")

    def __str__(self) -> str:
        return f"{self.label}: {self.ikm}"


def _report_job_path(instance: "ReportJob", filename: str) -> str:
    # A folder per job keeps the file's own name (no random suffix from the storage): the name a
    # download is given (reports.selectors.report_files) never depends on it.
    return f"laporan/{instance.pk}/{filename}"


class ReportJob(models.Model):
    """A report being made by a Celery worker: its progress, its file, or why it failed."""

    class Kind(models.TextChoices):
        CITY_PDF = "city_pdf", _("city report (PDF)")
        UNIT_PDF = "unit_pdf", _("unit report (PDF)")
        CITY_XLSX = "city_xlsx", _("city recap (Excel)")
        RAW_XLSX = "raw_xlsx", _("raw responses (Excel)")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    period = models.ForeignKey("surveys.Period", on_delete=models.CASCADE, related_name="report_jobs")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="report_jobs")
    public_edition = models.BooleanField(_("public edition"), default=True)
    requested_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=_report_job_path, blank=True, max_length=300)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} #{self.pk}"


class FlagReview(models.Model):
    """The city admin's note on a data-quality flag of a unit in a period.

    A flag counts as reviewed while its evidence is what was reviewed (`fingerprint`); new
    evidence (another burst, more duplicates) opens it again. Reviews never touch responses.
    """

    period = models.ForeignKey("surveys.Period", on_delete=models.CASCADE, related_name="flag_reviews")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="flag_reviews")
    code = models.CharField(_("flag"), max_length=30)
    fingerprint = models.CharField(max_length=500)
    catatan = models.TextField(_("note"), max_length=2000)
    reviewed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit", "code"], name="unique_flag_review")]
        verbose_name = _("flag review")
        verbose_name_plural = _("flag reviews")

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.code}"


class PeriodSnapshot(models.Model):
    """What a period's figures were when it was locked, and the fingerprint of its responses.

    `csv_sha256` is the SHA-256 of the canonical, anonymized CSV of the responses (see
    reports.selectors.canonical_csv), which anyone can download and recompute from;
    `unit_sha256` holds the same per unit, so a verification names the units that changed.
    `format_version` is the version of that CSV's format the hashes were taken of (1: text as
    stored; 2: text that a spreadsheet would run as a formula gets a leading apostrophe).

    The words and settings the published report shows are kept too, so that it does not move:
    `front_matter` (FrontMatter's fields, `tanggal` as YYYY-MM-DD or null), `unit_settings`
    (unit code -> {"populasi", "metode"} of every unit of the report) and `historical_ikm`
    (the HistoricalIkm rows, [{"label", "urutan", "ikm"}] with the IKM as a decimal string).
    """

    period = models.OneToOneField("surveys.Period", on_delete=models.CASCADE, related_name="snapshot")
    created_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    data = models.JSONField(_("report figures"))
    rows = models.PositiveIntegerField(_("responses"))
    csv_sha256 = models.CharField(_("SHA-256 of the responses CSV"), max_length=64)
    unit_sha256 = models.JSONField(_("SHA-256 per unit"))
    csv_file = models.FileField(upload_to="snapshot/", max_length=300)
    format_version = models.PositiveSmallIntegerField(_("format version of the responses CSV"))
    front_matter = models.JSONField(_("report texts"))
    unit_settings = models.JSONField(_("population and method per unit"))
    historical_ikm = models.JSONField(_("city IKM before the portal"))

    class Meta:
        verbose_name = _("locked period snapshot")
        verbose_name_plural = _("locked period snapshots")

    def __str__(self) -> str:
        return f"{self.period} {self.csv_sha256[:12]}"
