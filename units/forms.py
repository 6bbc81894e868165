"""Forms of the unit workspace: settings, priorities, plan, realization, paper questionnaires."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import KatalogTindakLanjut
from reports.services import EVIDENCE_MAX_BYTES
from skm_portal.forms import FieldsOnly

from .models import UnitPeriod


class UnitPeriodForm(FieldsOnly, forms.ModelForm):
    class Meta:
        model = UnitPeriod
        fields = ["populasi", "metode"]
        help_texts = {"populasi": _("Service users in the period; gives the minimum sample (Krejcie & Morgan).")}


class PrioritasForm(FieldsOnly, forms.Form):
    """Up to three priority elements, in order; the portal pre-fills the three lowest."""

    def __init__(self, *args, unsur_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *unsur_choices]
        for number in (1, 2, 3):
            self.fields[f"prioritas_{number}"] = forms.ChoiceField(label=_("Priority %(n)s") % {"n": number}, choices=choices, required=False)

    def codes(self) -> list[str]:
        return [self.cleaned_data[f"prioritas_{n}"] for n in (1, 2, 3) if self.cleaned_data.get(f"prioritas_{n}")]


class TindakLanjutForm(FieldsOnly, forms.Form):
    prioritas = forms.TypedChoiceField(label=_("Priority element"), coerce=int, help_text=_("A catalog action goes to its own element."))
    katalog = forms.ModelChoiceField(
        label=_("Standard action from the catalog"), queryset=KatalogTindakLanjut.objects.none(), required=False,
        empty_label=_("— write my own action below —"),
    )
    teks = forms.CharField(label=_("Action (free text)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}))
    penanggung_jawab = forms.CharField(label=_("Person responsible"), max_length=200)

    def __init__(self, *args, prioritas: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prioritas"].choices = [(p.pk, f"{p.urutan}. {p.unsur.label_singkat}") for p in prioritas]
        self.fields["katalog"].queryset = KatalogTindakLanjut.objects.filter(unsur__in=[p.unsur_id for p in prioritas]).select_related("unsur")
        self.fields["katalog"].label_from_instance = lambda k: f"{k.unsur.label_singkat} {k.nomor}. {k.teks}"

    def clean(self):
        data = super().clean()
        if not data.get("katalog") and not (data.get("teks") or "").strip():
            raise forms.ValidationError(_("Write the action or pick one from the catalog."))
        return data


class RealisasiForm(FieldsOnly, forms.Form):
    progres = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    bukti_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    bukti_tautan = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https", help_text=_("Or a link to the evidence."))
    bukti_publik = forms.BooleanField(
        label=_("Show the evidence on the public follow-up page"), required=False,
        help_text=_("Only if it contains no personal data (names, faces, ID numbers)."),
    )

    def clean_bukti_file(self):
        upload = self.cleaned_data.get("bukti_file")
        if upload and upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The evidence file is larger than 10 MB."))
        return upload


IMPORT_MAX_BYTES = 50 * 1024 * 1024  # about 500.000 rows of CSV: larger files go through import_responses


class ImportForm(FieldsOnly, forms.Form):
    berkas = forms.FileField(label=_("File (.csv or .xlsx)"))
    periode = forms.ChoiceField(label=_("Period"))

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB; split it, or ask Bagian Organisasi to import it."))
        return upload

    def __init__(self, *args, periods: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = [(p.kode, p.kode) for p in periods]
