from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from skm_portal.forms import FieldsOnly
from surveys.models import Period
from units.models import Unit

from .models import FrontMatter, HistoricalIkm, ReportJob

UNIT_KINDS = (ReportJob.Kind.UNIT_PDF, ReportJob.Kind.RAW_XLSX)


class ReportJobForm(FieldsOnly, forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    period = forms.ModelChoiceField(label=_("Period"), queryset=Period.objects.order_by("-tanggal_mulai"), to_field_name="kode")
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="kode")
    public_edition = forms.BooleanField(
        label=_("Public edition"), required=False, initial=True,
        help_text=_("The public edition leaves out the annex \"Catatan kualitas data\" (sample, intervals, open flags)."),
    )

    def __init__(self, *args, units, city_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ReportJob.Kind.choices if city_admin else [c for c in ReportJob.Kind.choices if c[0] in UNIT_KINDS]
        self.fields["kind"].choices = kinds
        self.fields["unit"].queryset = units
        self.city_admin = city_admin

    def clean(self):
        data = super().clean()
        kind, unit = data.get("kind"), data.get("unit")
        if kind == ReportJob.Kind.UNIT_PDF and unit is None:
            self.add_error("unit", _("Choose the unit of the unit report."))
        if not self.city_admin and kind in UNIT_KINDS and unit is None:
            self.add_error("unit", _("Choose one of your units."))
        if kind in (ReportJob.Kind.CITY_PDF, ReportJob.Kind.CITY_XLSX):
            data["unit"] = None
        return data


class FrontMatterForm(FieldsOnly, forms.ModelForm):
    class Meta:
        model = FrontMatter
        exclude = ["period"]
        widgets = {"tanggal": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class HistoricalIkmForm(FieldsOnly, forms.ModelForm):
    class Meta:
        model = HistoricalIkm
        fields = ["label", "urutan", "ikm"]


class FlagReviewForm(forms.Form):
    catatan = forms.CharField(
        label=_("Review note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you checked and what you concluded, e.g. \"tablet at the counter, respondents verified\"."),
    )
