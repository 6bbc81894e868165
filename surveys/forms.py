"""Forms of the survey domain: the questionnaire (public and paper entry), imports, periods, unit settings,
the privacy notice. The questionnaire's field names are the import columns, so both paths mean the same."""

from __future__ import annotations

import copy
import uuid
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from skm_portal.forms import FieldsOnly, TextareaField
from surveys.models import UNSUR_FIELDS, Pekerjaan, Pendidikan, Period, Sex, UnitPeriod, Unsur
from surveys.rules import SARAN_MAX_LENGTH, UMUR_MAX, UMUR_MIN, saran_problem
from surveys.semesters import semester_dates

HONEYPOT_FIELD = "website"
# Hidden fields the page's script fills in by the device's clock (opened, sent by the respondent,
# posted); a paper questionnaire has none.
DEVICE_TIME_FIELDS = ("dibuka_pada", "diisi_pada", "dikirim_pada")


class QuestionnaireForm(forms.Form):
    umur = forms.IntegerField(
        label=_("Age (years)"),
        min_value=UMUR_MIN,
        max_value=UMUR_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Write your age as a whole number of years, e.g. 35."),
            "min_value": _("Age must be between %(min)s and %(max)s years.") % {"min": UMUR_MIN, "max": UMUR_MAX},
            "max_value": _("Age must be between %(min)s and %(max)s years.") % {"min": UMUR_MIN, "max": UMUR_MAX},
        },
    )
    jenis_kelamin = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    pendidikan = forms.ChoiceField(label=_("Education"), choices=[("", "—"), *Pendidikan.choices])
    pekerjaan = forms.ChoiceField(label=_("Occupation"), choices=[("", "—"), *Pekerjaan.choices])
    saran = TextareaField(
        label=_("Suggestion (optional)"),
        required=False,
        max_length=SARAN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": SARAN_MAX_LENGTH}),
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    # Filled in by the page's script when the respondent sends the form (it may wait offline on the
    # device); empty without JavaScript, where the server's clock says when.
    diisi_pada = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # Set by the script (and its queue) just before each post, by the same device clock: the server
    # takes the delay between the two, not the clock, which may be off by hours (services.device_filling_time).
    dikirim_pada = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # When the form was shown: the server's time in the page, replaced by the script with the device's
    # (the clock of diisi_pada), so that the filling duration is measured on one clock.
    dibuka_pada = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS; bots that fill every field reveal themselves.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, unsur: list[Unsur], jenis_layanan: list[str], **kwargs):
        # Django gives every form a deep copy of each field, because showing a form may change them
        # (crispy adds classes to the widgets). For the nineteen fields of a posted questionnaire that
        # copy costs more than the validation itself, so a posted form validates with the process's
        # own fields, which validation never changes, and copies them only if it is shown (helper).
        self.base_fields = {}  # what Form.__init__ copies: the fields are set below
        super().__init__(*args, **kwargs)
        declared, questions = _shared_fields(type(self), tuple(_question_key(item) for item in unsur))
        fields = dict(declared)
        profile = ["umur", "jenis_kelamin", "pendidikan", "pekerjaan"]
        if jenis_layanan:
            fields["jenis_layanan"] = forms.ChoiceField(
                label=_("Service you used"), choices=[("", "—"), *((name, name) for name in jenis_layanan)]
            )
            fields["jenis_layanan"].widget.attrs["autocomplete"] = "off"
            profile.append("jenis_layanan")
        fields.update(questions)
        self._shares_fields = self.is_bound
        self.fields = fields if self.is_bound else copy.deepcopy(fields)
        self._profile_fields = profile
        self._unsur_fields = list(questions)

    def _fields_owned(self) -> None:
        """Copies of the shared fields for this form, before it is shown (see __init__)."""
        if self._shares_fields:
            self.fields = copy.deepcopy(self.fields)
            self._bound_fields_cache.clear()  # bound fields made for validation hold the shared ones
            self._shares_fields = False

    @cached_property
    def helper(self) -> FormHelper:
        # Built only when the form is rendered (crispy reads it before any field): a valid post never needs it.
        self._fields_owned()
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's {% csrf_token %} is the one
        helper.layout = Layout(
            Fieldset(_("About you"), *self._profile_fields, css_class="card card-body mb-3"),
            Div(*self._unsur_fields, css_class="questions"),
            Fieldset(_("Suggestion"), "saran", css_class="card card-body mb-3"),
            *self._closing_layout(),
        )
        return helper

    def _closing_layout(self) -> list:
        """What follows the questions: the anti-bot field, the hidden fields and the send button."""
        return [
            Div(HONEYPOT_FIELD, css_class="hp", aria_hidden="true"),
            "submission_id",
            "diisi_pada",
            "dikirim_pada",
            "dibuka_pada",
            Submit("kirim", _("Send answers"), css_class="btn-lg w-100"),
        ]

    def clean_saran(self) -> str:
        saran = self.cleaned_data["saran"]
        if problem := saran_problem(saran):
            raise forms.ValidationError(problem)
        return saran

    def hidden_fields_refused(self) -> bool:
        """Whether a hidden field (the submission id, a device time) was missing or tampered with."""
        return bool(self.errors.keys() & {"submission_id", *DEVICE_TIME_FIELDS})

    def renew_submission_id(self) -> None:
        """A missing or tampered hidden field: give the re-rendered form a fresh id, no device times, and say so."""
        self.data = self.data.copy()
        self.data["submission_id"] = str(uuid.uuid4())
        for name in DEVICE_TIME_FIELDS:
            self.data[name] = ""
        self.add_error(None, _("The form was incomplete. Check your answers and send it again."))

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD))

    def answers(self) -> dict:
        """The cleaned values as Response fields."""
        data = self.cleaned_data
        return {
            "umur": data["umur"],
            "jenis_kelamin": data["jenis_kelamin"],
            "pendidikan": data["pendidikan"],
            "pekerjaan": data["pekerjaan"],
            "jenis_layanan": data.get("jenis_layanan", ""),
            "saran": data["saran"].strip(),
            **{field: data[field] for field in UNSUR_FIELDS},
        }


def _question_key(item: Unsur) -> tuple[str, str, tuple[str, ...]]:
    return item.kode, item.pertanyaan, tuple(item.jawaban)


@lru_cache(maxsize=4)  # one set of questions at a time; a few while they are being edited
def _shared_fields(
    form_class: type[QuestionnaireForm], questions: tuple[tuple[str, str, tuple[str, ...]], ...]
) -> tuple[dict[str, forms.Field], dict[str, forms.Field]]:
    """The fields a process's questionnaire forms of `form_class` share: the declared ones and one per
    question, in order (see QuestionnaireForm.__init__)."""
    declared = copy.deepcopy(form_class.declared_fields)
    unsur = {
        kode.lower(): forms.TypedChoiceField(
            label=f"{number}. {pertanyaan}",
            choices=[(value, label) for value, label in enumerate(jawaban, start=1)],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose one answer to this question.")},
        )
        for number, (kode, pertanyaan, jawaban) in enumerate(questions, start=1)
    }
    # A shared device (a counter tablet, a family phone) must never offer the previous person's answers.
    for field in (*declared.values(), *unsur.values()):
        field.widget.attrs["autocomplete"] = "off"
    return declared, unsur


class PaperQuestionnaireForm(QuestionnaireForm):
    """Staff typing in a paper questionnaire: the same questions and rules, without the public form's
    anti-bot field and device times; the page's own button sends it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (HONEYPOT_FIELD, *DEVICE_TIME_FIELDS):
            del self.fields[name]

    def _closing_layout(self) -> list:
        return ["submission_id"]

    def is_bot(self) -> bool:
        return False


class PeriodForm(FieldsOnly, forms.Form):
    kode = forms.CharField(
        label=_("Period code"),
        max_length=7,
        help_text=_("e.g. 2027-S1 (January-June) or 2027-S2 (July-December)"),
    )

    def clean_kode(self) -> str:
        kode = self.cleaned_data["kode"].strip()
        try:
            semester_dates(kode)  # the one definition of a period code
        except ValueError:
            raise forms.ValidationError(_("Write the period as YYYY-S1 or YYYY-S2, e.g. 2027-S1.")) from None
        return kode


class PrivacyNoticeForm(FieldsOnly, forms.Form):
    teks = TextareaField(
        label=_("Text of the privacy notice"),
        max_length=20000,
        help_text=_("Plain text: line breaks are kept, HTML is shown as written."),
        widget=forms.Textarea(attrs={"rows": 24}),
    )


class UnitPeriodForm(FieldsOnly, forms.ModelForm):
    class Meta:
        model = UnitPeriod
        fields = ["populasi", "metode"]
        help_texts = {"populasi": _("Service users in the period; gives the minimum sample (Krejcie & Morgan).")}


IMPORT_MAX_BYTES = 50 * 1024 * 1024  # about 500.000 rows of CSV: larger files go through import_responses


class ImportForm(FieldsOnly, forms.Form):
    berkas = forms.FileField(label=_("File (.csv or .xlsx)"))
    periode = forms.ModelChoiceField(
        label=_("Period"), queryset=Period.objects.none(), to_field_name="kode", empty_label=None
    )

    def __init__(self, *args, periods: list[Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].queryset = Period.objects.filter(pk__in=[p.pk for p in periods]).order_by(
            "-tanggal_mulai"
        )

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB; split it, or ask Bagian Organisasi to import it.")
            )
        return upload


class KioskDeviceForm(FieldsOnly, forms.Form):
    nama = forms.CharField(label=_("Device name"), max_length=60, help_text=_("e.g. Loket 1"))
    ikon_wajah = forms.BooleanField(label=_("Show face icons beside the four answers"), required=False, initial=True)
