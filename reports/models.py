"""What units do with their results: priority elements, follow-up plans and their realization."""

from django.core.validators import MaxValueValidator
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
    return f"bukti/{instance.prioritas.period.kode}/{instance.prioritas.unit.kode}/{instance.pk or 'baru'}-{instance.nomor}.{extension}"


class TindakLanjut(models.Model):
    """A numbered follow-up action for a priority element, and later its realization."""

    prioritas = models.ForeignKey(PrioritasUnsur, on_delete=models.CASCADE, related_name="tindak_lanjut")
    nomor = models.PositiveSmallIntegerField(_("number"))
    teks = models.TextField(_("action"), max_length=2000)
    katalog = models.ForeignKey(KatalogTindakLanjut, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target = models.DateField(_("target date"))
    penanggung_jawab = models.CharField(_("person responsible"), max_length=200)
    # Realization, recorded during the next period.
    progres = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)])
    bukti_file = models.FileField(_("evidence file"), upload_to=_bukti_path, blank=True, max_length=300)
    bukti_tautan = models.URLField(_("evidence link"), blank=True, max_length=500)
    realisasi_diubah = models.DateTimeField(_("realization updated"), null=True, blank=True)

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
