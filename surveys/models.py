from django.conf import settings
from django.core.cache import cache
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from units.models import Unit


class Period(models.Model):
    """A survey semester, e.g. 2023-S2 (1 July - 31 December 2023)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("prepared")
        OPEN = "open", _("open")
        LOCKED = "locked", _("locked")

    kode = models.CharField(_("code"), max_length=7, unique=True)
    tanggal_mulai = models.DateField(_("start date"))
    tanggal_selesai = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        ordering = ["-tanggal_mulai"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tanggal_selesai__gte=models.F("tanggal_mulai")), name="period_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.kode

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED


# Every questionnaire needs the nine unsur: surveys.selectors.unsur caches them under this key.
UNSUR_CACHE_KEY = "surveys:unsur-list"


class Unsur(models.Model):
    """One of the nine service elements; texts are data the city admin may edit."""

    kode = models.CharField(_("code"), max_length=2, unique=True)  # U1..U9, the report's columns
    urutan = models.PositiveSmallIntegerField(_("order"), unique=True)
    nama = models.CharField(_("name"), max_length=200)
    label_singkat = models.CharField(_("short label"), max_length=100)
    pertanyaan = models.TextField(_("question"))
    jawaban_1 = models.CharField(_("answer 1"), max_length=100)
    jawaban_2 = models.CharField(_("answer 2"), max_length=100)
    jawaban_3 = models.CharField(_("answer 3"), max_length=100)
    jawaban_4 = models.CharField(_("answer 4"), max_length=100)

    class Meta:
        ordering = ["urutan"]
        verbose_name = _("service element")
        verbose_name_plural = _("service elements")

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        cache.delete(UNSUR_CACHE_KEY)  # an edited question shows at once

    @property
    def jawaban(self) -> list[str]:
        return [self.jawaban_1, self.jawaban_2, self.jawaban_3, self.jawaban_4]


class UnitPeriod(models.Model):
    """What a unit declares for one period: its service users (for the minimum sample) and method."""

    DEFAULT_METODE = "Kuesioner Online"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="period_settings")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="unit_settings")
    populasi = models.PositiveIntegerField(
        _("population of service users"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    metode = models.CharField(_("survey method"), max_length=100, default=DEFAULT_METODE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="unique_unit_period")]
        verbose_name = _("unit period setting")
        verbose_name_plural = _("unit period settings")

    def __str__(self) -> str:
        return f"{self.unit.kode} {self.period}"


class ImportBatch(models.Model):
    """One imported file; its SHA-256 refuses the same content a second time."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="import_batches")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    row_count = models.PositiveIntegerField(_("rows"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.period})"


class Sex(models.TextChoices):
    LAKI_LAKI = "L", "Laki-laki"
    PEREMPUAN = "P", "Perempuan"


# Codes as in the city report's tables; they are also the accepted import values.
class Pendidikan(models.TextChoices):
    SD = "SD/SEDERAJAT", "SD/SEDERAJAT"
    SMP = "SMP/SEDERAJAT", "SMP/SEDERAJAT"
    SMA = "SMA/SMK/SEDERAJAT", "SMA/SMK/SEDERAJAT"
    DIPLOMA = "DIPLOMA", "DIPLOMA"
    S1 = "S1", "S1"
    S2_S3 = "S2/S3", "S2/S3"
    LAINNYA = "LAINNYA", "LAINNYA"


class Pekerjaan(models.TextChoices):
    PNS = "PNS/P3K", "PNS/P3K"
    TNI_POLRI = "TNI/POLRI", "TNI/POLRI"
    KARYAWAN = "KARYAWAN", "KARYAWAN"
    WIRASWASTA = "WIRASWASTA", "WIRASWASTA"
    PELAJAR = "MAHASISWA/PELAJAR", "MAHASISWA/PELAJAR"
    LAINNYA = "LAINNYA", "LAINNYA"


UNSUR_FIELDS = tuple(f"u{k}" for k in range(1, 10))
# Everything a respondent fills in, in the order of the import file, the exports and the copy.
RESPONSE_CONTENT_FIELDS = ("umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan", *UNSUR_FIELDS, "saran")


def _answer_field(k: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(f"U{k}")


class Response(models.Model):
    """One respondent's questionnaire.

    The nine answers are columns, so one GROUP BY over (period, unit) yields every unit's sums.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("paper")
        IMPORT = "import", _("import")
        KIOSK = "kiosk", _("counter kiosk")

    # Served by the indexes below that start with unit: one on unit alone would only slow inserts.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="responses", db_index=False)
    # Indexed by (period, unit) below: a second index on period alone would only slow every insert.
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="responses", db_index=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    umur = models.PositiveSmallIntegerField(_("age"))
    jenis_kelamin = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    pendidikan = models.CharField(_("education"), max_length=20, choices=Pendidikan.choices)
    pekerjaan = models.CharField(_("occupation"), max_length=20, choices=Pekerjaan.choices)
    jenis_layanan = models.CharField(_("service used"), max_length=200, blank=True)
    u1 = _answer_field(1)
    u2 = _answer_field(2)
    u3 = _answer_field(3)
    u4 = _answer_field(4)
    u5 = _answer_field(5)
    u6 = _answer_field(6)
    u7 = _answer_field(7)
    u8 = _answer_field(8)
    u9 = _answer_field(9)
    saran = models.TextField(_("suggestion"), blank=True, max_length=2000)
    # The suggestion's themes (surveys.saran_tema), set when it is stored and by saran_tema_rebuild:
    # unsur codes comma-separated ("U3,U7") and keluhan, usul, pujian or empty.
    saran_unsur = models.CharField(_("suggestion's unsur"), max_length=30, blank=True, default="", db_default="")
    saran_jenis = models.CharField(_("kind of suggestion"), max_length=7, blank=True, default="", db_default="")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Not indexed: nothing reads responses by their import, and every insert would pay for it.
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    # Made when the form is opened; a second post of the same form stores nothing new.
    submission_id = models.UUIDField(_("submission id"), null=True, blank=True, unique=True, editable=False)
    # Keyed hash of the client address (never the address itself), for abuse detection.
    client_hash = models.CharField(_("client hash"), max_length=64, blank=True, editable=False, db_default="")
    saran_ditangani = models.BooleanField(_("suggestion handled"), default=False, db_default=False)
    # When the respondent sent the form on their device (it may have waited offline); it decides
    # the period. Empty for imports and rows from before it was kept: their date is submitted_at.
    diisi_pada = models.DateTimeField(_("filled in at"), null=True, blank=True, editable=False)
    # A 64-bit hash of everything the respondent filled in (surveys.tallies.content_hash): an
    # identical submission is found through an index instead of by sorting the period.
    content_hash = models.BigIntegerField(_("content hash"), default=0, editable=False)
    # The counter tablet that took a kiosk response (surveys.services.kiosk).
    device = models.ForeignKey(
        "KioskDevice", null=True, blank=True, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    # Seconds from the form shown to the form sent (online and kiosk): what the too_fast flag reads.
    durasi_detik = models.PositiveIntegerField(_("filling duration (seconds)"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["period", "unit"], name="response_period_unit"),
            models.Index(fields=["unit", "content_hash"], name="response_unit_content"),
            # The recent responses of one device for a unit: what a burst is made of.
            models.Index(
                fields=["unit", "client_hash", "submitted_at"],
                name="response_unit_client_time",
                condition=~models.Q(client_hash=""),
            ),
            # A device's responses of today (its list on the unit's page); only kiosk rows pay for it.
            models.Index(
                fields=["device", "submitted_at"],
                name="response_device_time",
                condition=models.Q(device__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(**{f"{f}__gte": 1, f"{f}__lte": 4}), name=f"response_{f}_1_to_4")
            for f in UNSUR_FIELDS
        ]

    def __str__(self) -> str:
        return f"{self.unit.kode} {self.period} #{self.pk}"

    @property
    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f) for f in UNSUR_FIELDS)


def filled_at() -> Coalesce:
    """When a response was filled in: the device's time for online forms (they may arrive later,
    after waiting offline), else submitted_at (imports carry the date of the paper form)."""
    return Coalesce("diisi_pada", "submitted_at")


# The running totals of a unit in a period, written in the transaction that stores a response
# (surveys.services.tallies), so that every read costs one row per unit, not one per response.
ANSWER_COUNT_FIELDS = tuple(f"{field}_{answer}" for field in UNSUR_FIELDS for answer in range(1, 5))


class UnitTally(models.Model):
    """A unit's figures in a period: respondents, how many gave each answer to each unsur, the sum of
    squared response totals (for the interval), the filling span, and the data-quality counts."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    respondents = models.PositiveIntegerField(default=0)
    # Sum over responses of (their nine answers added up) squared.
    answer_square_sum = models.BigIntegerField(default=0)
    first_filled_at = models.DateTimeField(null=True, blank=True)
    last_filled_at = models.DateTimeField(null=True, blank=True)
    # Responses that arrived when an identical one of the unit, filled in within
    # SKM_FLAG_DUPLICATE_MINUTES of them, was already stored.
    duplicates = models.PositiveIntegerField(default=0)
    first_duplicate_at = models.DateTimeField(null=True, blank=True)
    # The majority vote (Boyer-Moore) over the sets of nine answers: if one set ("443344434") was
    # given by more than half the respondents, it is the candidate, and its lead is at least twice
    # its count minus the respondents. Mergeable, so an import adds its own vote in one statement;
    # the uniform-answers flag counts the candidate exactly only where the lead makes it possible.
    pattern_candidate = models.CharField(max_length=9, blank=True, default="")
    pattern_lead = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="unique_unit_tally")]
        verbose_name = _("unit tally")
        verbose_name_plural = _("unit tallies")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_id}: {self.respondents}"

    @property
    def answer_counts(self) -> dict[str, list[int]]:
        """Respondents per answer 1..4, by unsur code (U1..U9)."""
        return {f.upper(): [getattr(self, f"{f}_{answer}") for answer in range(1, 5)] for f in UNSUR_FIELDS}

    @property
    def answer_sums(self) -> tuple[int, ...]:
        return tuple(sum(answer * count for answer, count in enumerate(c, 1)) for c in self.answer_counts.values())


for _name in ANSWER_COUNT_FIELDS:  # u1_1 .. u9_4: 36 columns, so one upsert adds to all of them
    UnitTally.add_to_class(_name, models.PositiveIntegerField(default=0))


# Durations are tallied to the second below this (a few rows per unit): the too_fast floor
# (SKM_FLAG_TOO_FAST_SECONDS) may be set anywhere under it.
DURASI_TALLIED_BELOW = 120


class KeyedTally(models.Model):
    """How many responses of a unit in a period have a value of an attribute of the profile: the
    report's age band, sex, education, occupation (BAB II)."""

    class Kind(models.TextChoices):
        UMUR = "umur"
        JENIS_KELAMIN = "jenis_kelamin"
        PENDIDIKAN = "pendidikan"
        PEKERJAAN = "pekerjaan"
        CHANNEL = "channel"  # Response.Channel values: the report's "Metode SKM"
        DURASI = "durasi"  # filling durations in whole seconds, below DURASI_TALLIED_BELOW

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit", "kind", "value"], name="unique_keyed_tally")]
        verbose_name = _("keyed tally")
        verbose_name_plural = _("keyed tallies")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_id} {self.kind}={self.value}: {self.count}"


class BurstTally(models.Model):
    """A device that sent a unit many online responses in a short time: its largest burst (by arrival
    or by filling time) and how many of its responses lie in one. Written when a response closes a
    burst; read by the burst flag."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    client_hash = models.CharField(max_length=64)
    largest = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    responses = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit", "client_hash"], name="unique_burst_tally")]
        verbose_name = _("burst tally")
        verbose_name_plural = _("burst tallies")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_id} {self.client_hash[:8]}: {self.largest}"


class SaranTally(models.Model):
    """How many suggestions of a unit in a period, of a kind, speak of an unsur (U1..U9; "" for those
    naming none): with `frasa` empty, all of them; else those holding that two- or three-word phrase
    (surveys.saran_tema.phrases), the unit's "own words" read without text. Written with the
    responses in one upsert, recomputed by saran_tema_rebuild."""

    class Jenis(models.TextChoices):
        KELUHAN = "keluhan", _("complaint")
        USUL = "usul", _("proposal")
        PUJIAN = "pujian", _("praise")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    unsur = models.CharField(max_length=2, blank=True)
    jenis = models.CharField(max_length=7, choices=Jenis.choices)
    frasa = models.CharField(max_length=100, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "unsur", "jenis", "frasa"], name="unique_saran_tally")
        ]
        verbose_name = _("suggestion tally")
        verbose_name_plural = _("suggestion tallies")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_id} {self.unsur} {self.jenis} {self.frasa}: {self.count}"


class SaranTemaAturan(models.Model):
    """A rule set of the suggestion themes (the shape of surveys/saran_tema_default.json), as the
    city admin saved it; the newest row is the one in force, none means the default."""

    data = models.JSONField(_("rules"))
    diubah_pada = models.DateTimeField(_("changed at"), auto_now_add=True)
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suggestion theme rules")
        verbose_name_plural = _("suggestion theme rules")

    def __str__(self) -> str:
        return f"{self.pk} {self.diubah_pada:%Y-%m-%d %H:%M}"


class RateLimitBucket(models.Model):
    """A token bucket kept in the database, so limits hold without Redis and across workers."""

    key = models.CharField(max_length=100, unique=True)
    tokens = models.FloatField()
    updated = models.FloatField()  # seconds since the epoch: refill arithmetic stays portable SQL

    class Meta:
        verbose_name = _("rate limit bucket")
        verbose_name_plural = _("rate limit buckets")

    def __str__(self) -> str:
        return self.key


class PrivacyNotice(models.Model):
    """The privacy notice (UU 27/2022) shown at /privasi/: one row, its text edited by the city admin."""

    teks = models.TextField(_("text"), max_length=20000)
    diubah_pada = models.DateTimeField(_("changed at"), auto_now=True)
    diubah_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    SINGLETON_PK = 1

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return str(_("privacy notice"))


class KioskDevice(models.Model):
    """A tablet at a unit's service counter ("perangkat loket"), paired once with a one-time code;
    it then answers the questionnaire respondent after respondent with a credential kept in a
    cookie. Only SHA-256 hashes of the code and the credential are stored."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="kiosk_devices")
    nama = models.CharField(_("name"), max_length=60)
    ikon_wajah = models.BooleanField(_("face icons beside the answers"), default=True)
    pairing_code_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    pairing_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "nama", "pk"]
        verbose_name = _("counter device")
        verbose_name_plural = _("counter devices")
        indexes = [
            models.Index(fields=["token_hash"], name="kiosk_token", condition=~models.Q(token_hash="")),
            models.Index(
                fields=["pairing_code_hash"], name="kiosk_pairing_code", condition=~models.Q(pairing_code_hash="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.nama}"
