"""Forms of the report domain: the plan (prioritas, tindak lanjut, realisasi), report jobs, the report's
words and history, flag reviews, and the dashboards' query parameters."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.models import FrontMatter, HistoricalIkm, KatalogTindakLanjut, PrioritasUnsur, ReportJob
from reports.selectors.signing import signature_missing
from reports.selectors.snapshot_contents import FRONT_MATTER_FIELDS
from reports.services.realisasi import BUKTI_MAX_BYTES
from reports.services.report_texts import historical_period
from skm_portal.forms import FieldsOnly, TextareaField
from surveys.models import Period, Unsur
from surveys.selectors.unsur import unsur_list
from units.models import Unit


class PeriodChoiceForm(forms.Form):
    """`?periode=` of a dashboard: an existing period's code, or nothing for the default."""

    # A code's form only: the views pick the period from the list they show (one query for both).
    periode = forms.CharField(required=False, max_length=Period._meta.get_field("kode").max_length)


class CityDashboardForm(PeriodChoiceForm):
    """`?urut=`: a column key of the city table, `-` in front for descending; anything else sorts by code."""

    urut = forms.RegexField(regex=r"\A-?[a-z]{1,20}\Z", required=False)


class UnitDashboardForm(PeriodChoiceForm):
    """`?q=` searches the suggestions: a longer text is cut to its first SEARCH_MAX_LENGTH characters."""

    SEARCH_MAX_LENGTH = 200
    q = forms.CharField(required=False, strip=True)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][: self.SEARCH_MAX_LENGTH]


class PrioritasForm(FieldsOnly, forms.Form):
    """Up to three priority elements, in order; the portal pre-fills the three lowest."""

    def __init__(self, *args, unsur: list[Unsur], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((u.kode, f"{u.kode} {u.label_singkat}") for u in unsur)]
        for number in (1, 2, 3):
            self.fields[f"prioritas_{number}"] = forms.ChoiceField(
                label=_("Priority %(n)s") % {"n": number}, choices=choices, required=False
            )

    def codes(self) -> list[str]:
        return [self.cleaned_data[f"prioritas_{n}"] for n in (1, 2, 3) if self.cleaned_data.get(f"prioritas_{n}")]


class TindakLanjutForm(FieldsOnly, forms.Form):
    prioritas = forms.TypedChoiceField(
        label=_("Priority element"), coerce=int, help_text=_("A catalog action goes to its own element.")
    )
    katalog = forms.ModelChoiceField(
        label=_("Standard action from the catalog"),
        queryset=KatalogTindakLanjut.objects.none(),
        required=False,
        empty_label=_("— write my own action below —"),
    )
    teks = TextareaField(
        label=_("Action (free text)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    target = forms.DateField(label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"}))
    penanggung_jawab = forms.CharField(label=_("Person responsible"), max_length=200)
    tema_unsur = forms.ChoiceField(
        label=_("Suggestion theme it answers"),
        required=False,
        help_text=_("Optional: the element respondents wrote about that this action responds to."),
    )

    def __init__(self, *args, prioritas: list[PrioritasUnsur], **kwargs):
        super().__init__(*args, **kwargs)
        self.prioritas = prioritas
        self.fields["tema_unsur"].choices = [("", "—")] + [
            (u.kode, f"{u.kode} {u.label_singkat}") for u in unsur_list()
        ]
        self.fields["prioritas"].choices = [(p.pk, f"{p.urutan}. {p.unsur.label_singkat}") for p in prioritas]
        katalog = self.fields["katalog"]
        katalog.queryset = KatalogTindakLanjut.objects.filter(unsur__in=[p.unsur_id for p in prioritas])
        katalog.queryset = katalog.queryset.select_related("unsur")
        katalog.label_from_instance = lambda k: f"{k.unsur.label_singkat} {k.nomor}. {k.teks}"

    def clean(self):
        data = super().clean()
        if not data.get("katalog") and not (data.get("teks") or "").strip():
            raise forms.ValidationError(_("Write the action or pick one from the catalog."))
        return data

    def chosen_prioritas(self) -> PrioritasUnsur:
        """A catalog action belongs to its own unsur's priority, whichever priority is selected."""
        katalog = self.cleaned_data["katalog"]
        if katalog is not None:
            return next(p for p in self.prioritas if p.unsur_id == katalog.unsur_id)
        return next(p for p in self.prioritas if p.pk == self.cleaned_data["prioritas"])


class RealisasiForm(FieldsOnly, forms.Form):
    progres = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    bukti_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    bukti_tautan = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Or a link to the evidence."),
    )
    bukti_publik = forms.BooleanField(
        label=_("Show the evidence on the public follow-up page"),
        required=False,
        help_text=_("Only if it contains no personal data (names, faces, ID numbers)."),
    )

    def clean_bukti_file(self):
        upload = self.cleaned_data.get("bukti_file")
        if upload and upload.size > BUKTI_MAX_BYTES:
            raise forms.ValidationError(_("The evidence file is larger than 10 MB."))
        return upload


UNIT_KINDS = (ReportJob.Kind.UNIT_PDF, ReportJob.Kind.RAW_XLSX)


class ReportJobForm(FieldsOnly, forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    period = forms.ModelChoiceField(
        label=_("Period"), queryset=Period.objects.order_by("-tanggal_mulai"), to_field_name="kode"
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, to_field_name="kode")
    public_edition = forms.BooleanField(
        label=_("Public edition"),
        required=False,
        initial=True,
        help_text=_(
            'City report only: the public edition leaves out the annex "Catatan kualitas data" (sample, '
            "intervals, open flags). A unit report is public; the recap and the raw responses are internal."
        ),
    )
    confirm_internal = forms.BooleanField(
        label=_("I understand that the internal edition names units with problems"),
        required=False,
        help_text=_("Needed for the internal edition of the city report (Public edition unticked)."),
    )

    def __init__(self, *args, units, city_admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ReportJob.Kind.choices if city_admin else [c for c in ReportJob.Kind.choices if c[0] in UNIT_KINDS]
        self.fields["kind"].choices = kinds
        self.fields["unit"].queryset = units
        self.city_admin = city_admin
        if not city_admin:  # a unit admin's documents have one edition each (services.report_jobs.FIXED_EDITIONS)
            del self.fields["public_edition"], self.fields["confirm_internal"]

    def clean(self):
        data = super().clean()
        kind, unit = data.get("kind"), data.get("unit")
        if kind == ReportJob.Kind.UNIT_PDF and unit is None:
            self.add_error("unit", _("Choose the unit of the unit report."))
        if not self.city_admin and kind in UNIT_KINDS and unit is None:
            self.add_error("unit", _("Choose one of your units."))
        if kind in (ReportJob.Kind.CITY_PDF, ReportJob.Kind.CITY_XLSX):
            data["unit"] = None
        if kind == ReportJob.Kind.CITY_PDF and data.get("period") and signature_missing(data["period"]):
            self.add_error("period", signature_missing_link(data["period"]))
        if kind == ReportJob.Kind.CITY_PDF and not data.get("public_edition") and not data.get("confirm_internal"):
            self.add_error(
                "confirm_internal",
                _("The internal edition names units with problems: tick the confirmation, or tick Public edition."),
            )
        return data


class FrontMatterForm(FieldsOnly, forms.ModelForm):
    class Meta:
        model = FrontMatter
        fields = list(FRONT_MATTER_FIELDS)
        widgets = {"tanggal": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tanggal"].help_text = SIGNATURE_HELP
        if read_only:  # a locked period's words: shown, never taken from a post
            for field in self.fields.values():
                field.disabled = True

    def clean_tanggal(self):
        return signature_date_checked(self.cleaned_data["tanggal"], self.instance.period)


def signature_missing_link(period: Period) -> str:
    """The refusal of a final edition without its place and date of signature, linking where to set them."""
    return format_html(
        '{} <a href="{}">{}</a>',
        _("The report of a locked period is signed with the period's place and date, and they are not set."),
        reverse("reports:front_matter", args=[period.kode]),
        _("Set the place and date of signature"),
    )


SIGNATURE_HELP = _("Needed before the report of the locked period can be made: it is signed with this date.")


def signature_date_checked(tanggal, period: Period):
    # A report is signed once its period has started, never with a date before it.
    if tanggal is not None and tanggal < period.tanggal_mulai:
        raise forms.ValidationError(_("The date of signature lies before the period starts."))
    return tanggal


class SignatureForm(FieldsOnly, forms.Form):
    """The place and date of signature of a locked period that was locked without them (set once)."""

    tempat = forms.CharField(label=_("place"), max_length=100)
    tanggal = forms.DateField(
        label=_("date of signature"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_tanggal(self):
        return signature_date_checked(self.cleaned_data["tanggal"], self.period)


class HistoricalIkmForm(FieldsOnly, forms.Form):
    """A period before the portal (a year, or one of its semesters) and its city IKM; the order
    follows from the period."""

    tahun = forms.IntegerField(label=_("Year"), min_value=2000)
    semester = forms.TypedChoiceField(
        label=_("Semester"),
        choices=[("", _("whole year")), ("1", "Semester I"), ("2", "Semester II")],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave it at whole year when the survey was yearly."),
    )
    ikm = forms.DecimalField(label=_("City IKM"), max_digits=5, decimal_places=2, min_value=25, max_value=100)

    def clean_tahun(self) -> int:
        tahun = self.cleaned_data["tahun"]
        if tahun > timezone.localdate().year:
            raise forms.ValidationError(_("The year lies in the future."))
        return tahun

    def clean(self):
        data = super().clean()
        if data.get("tahun") is not None:
            label, _urutan = historical_period(data["tahun"], data.get("semester"))
            if HistoricalIkm.objects.filter(label=label).exists():
                raise forms.ValidationError(
                    _("%(period)s is already entered; remove it first to change its value.") % {"period": label}
                )
        return data


class HistoricalIkmDeleteForm(forms.Form):
    hapus = forms.ModelChoiceField(queryset=HistoricalIkm.objects.all())


class FlagReviewForm(forms.Form):
    catatan = TextareaField(
        label=_("Review note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('What you checked and what you concluded, e.g. "tablet at the counter, respondents verified".'),
    )


class PeriodLockForm(FieldsOnly, forms.Form):
    """Locking a period is for good: it must be confirmed, and before the period's end date its code
    typed as well (the questionnaire closes mid-collection and partial results are published)."""

    konfirmasi = forms.BooleanField(
        label=_("I have read the consequences above: lock this period for good."), required=True
    )
    kode = forms.CharField(label=_("Type the period's code to lock it before its end date"), max_length=20)

    def __init__(self, *args, period: Period, code_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        if not code_required:
            del self.fields["kode"]

    def clean_kode(self) -> str:
        typed = self.cleaned_data["kode"].strip()
        if typed != self.period.kode:
            raise forms.ValidationError(
                _("Type %(kode)s exactly to lock the period before its end date.") % {"kode": self.period.kode}
            )
        return typed
