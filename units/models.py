from collections.abc import Mapping

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.validators import UNIT_KODE_MAX_LENGTH, validate_unit_kode


def questionnaire_cache_key(kode: str) -> str:
    """Where units.selectors.questionnaire keeps what a unit's questionnaire needs (cleared on save)."""
    return f"units:questionnaire:{kode}"


class Unit(models.Model):
    """A service unit (Unit Penyelenggara Pelayanan, UPP)."""

    kode = models.CharField(_("code"), max_length=UNIT_KODE_MAX_LENGTH, unique=True, validators=[validate_unit_kode])
    nama = models.CharField(_("name"), max_length=255)
    induk = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    jenis = models.CharField(_("kind"), max_length=100, blank=True)
    aktif = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kode"]
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")

    def __str__(self) -> str:
        return f"{self.kode} {self.nama}"

    def save(self, *args, **kwargs) -> None:
        # A closed or renamed unit's form closes at once in this process (others within a minute).
        before = Unit.objects.filter(pk=self.pk).values_list("kode", flat=True).first() if self.pk else None
        super().save(*args, **kwargs)
        cache.delete_many([questionnaire_cache_key(kode) for kode in {self.kode, before} if kode])


class UnitAdmin(models.Model):
    """A user who administers a unit (and so its descendants, e.g. a Kecamatan's Kelurahan)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="admins")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unique_unit_admin")]
        verbose_name = _("unit administrator")
        verbose_name_plural = _("unit administrators")

    def __str__(self) -> str:
        return f"{self.user} – {self.unit.kode}"


class JenisLayanan(models.Model):
    """A service type a unit offers; respondents say which one they used."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="jenis_layanan")
    nama = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["unit", "nama"]
        constraints = [models.UniqueConstraint(fields=["unit", "nama"], name="unique_jenis_layanan_per_unit")]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self) -> str:
        return self.nama

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        cache.delete(questionnaire_cache_key(self.unit.kode))

    def delete(self, *args, **kwargs):
        cache.delete(questionnaire_cache_key(self.unit.kode))
        return super().delete(*args, **kwargs)


# Every action the portal records (units.services.audit.audit_record), as the audit page names
# it. The codes are what is stored, stable for filters and old rows; a code missing here is shown
# as stored.
AUDIT_ACTION_LABELS = {
    "impor": _("Responses imported"),
    "periode_buat": _("Period created"),
    "periode_buka": _("Period opened"),
    "periode_kunci": _("Period locked"),
    "unit_periode": _("Population and method saved"),
    "prioritas": _("Priorities saved"),
    "rencana_tambah": _("Action added to the plan"),
    "rencana_hapus": _("Action removed from the plan"),
    "realisasi": _("Realization recorded"),
    "laporan": _("Report requested"),
    "pengantar_laporan": _("Report texts saved"),
    "riwayat_ikm": _("Earlier city IKM saved"),
    "riwayat_ikm_hapus": _("Earlier city IKM deleted"),
    "tanda_ditinjau": _("Data-quality flag reviewed"),
    "saran_ditangani": _("Suggestion marked as handled"),
    "saran_dibuka": _("Suggestion marked as open again"),
    "privasi_ubah": _("Privacy notice changed"),
    "loket_tambah": _("Counter device added"),
    "loket_kode": _("Counter device pairing code issued"),
    "loket_pasang": _("Counter device paired"),
    "loket_cabut": _("Counter device revoked"),
    "saran_tema_ubah": _("Suggestion theme rules changed"),
}

# Actions whose detail starts with a code and ": " ("burst: catatan"), with the labels of those
# codes. The app that owns the codes fills it in its AppConfig.ready (units imports no higher app).
AUDIT_DETAIL_CODE_LABELS: dict[str, Mapping[str, object]] = {}


class AuditEvent(models.Model):
    """Who did what, when: imports, plan and realisasi changes, period state changes."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=50)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The period's code as text: the trail outlives what it names, and units know nothing of surveys.
    periode = models.CharField(_("period"), max_length=20, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user} {self.action}"

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action))

    @property
    def detail_text(self) -> str:
        """The detail with a leading code shown by its label."""
        code, separator, rest = self.detail.partition(": ")
        label = AUDIT_DETAIL_CODE_LABELS.get(self.action, {}).get(code)
        return f"{label}: {rest}" if separator and label is not None else self.detail
