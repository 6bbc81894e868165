"""The form of the suggestion theme rules: per unsur its words and phrases by strength, and the
negation and intensity words, one per line."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.saran_tema import UNSUR_KODE, UNSUR_STRENGTHS, rules_from_data

LINE_MAX_LENGTH = 100
LINES_MAX = 500
STRENGTH_LABELS = {
    "kuat": _("Always counts"),
    "lemah_klausa": _("Counts in a clause naming no other unsur"),
    "lemah_teks": _("Counts in a text naming no other unsur"),
}
WORD_FIELDS = {"negasi": _("Negation words"), "intensitas": _("Intensity words")}


class Lines(forms.CharField):
    """One word or phrase per line; blank lines dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)

    def clean(self, value: Any) -> list[str]:
        lines = [line.strip() for line in (super().clean(value) or "").splitlines() if line.strip()]
        if len(lines) > LINES_MAX:
            raise forms.ValidationError(_("At most %(max)s lines.") % {"max": LINES_MAX})
        if any(len(line) > LINE_MAX_LENGTH for line in lines):
            raise forms.ValidationError(_("Each line may hold at most %(max)s characters.") % {"max": LINE_MAX_LENGTH})
        return lines


class SaranTemaRulesForm(forms.Form):
    """Edits the fields it shows in a copy of the rule set in force (`data`); cleaned_data["data"]
    is the whole new rule set, accepted by rules_from_data."""

    def __init__(self, *args: Any, data_in_force: dict[str, Any], **kwargs: Any) -> None:
        self.in_force = data_in_force
        unsur = data_in_force.get("unsur", {})
        initial = {
            f"{kode}_{strength}": "\n".join(unsur.get(kode, {}).get(strength, []))
            for kode in UNSUR_KODE
            for strength in UNSUR_STRENGTHS
        }
        initial |= {key: "\n".join(data_in_force.get(key, [])) for key in WORD_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        for kode in UNSUR_KODE:
            for strength in UNSUR_STRENGTHS:
                self.fields[f"{kode}_{strength}"] = Lines(label=STRENGTH_LABELS[strength])
        for key, label in WORD_FIELDS.items():
            self.fields[key] = Lines(label=label)

    def unsur_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(kode, [self[f"{kode}_{strength}"] for strength in UNSUR_STRENGTHS]) for kode in UNSUR_KODE]

    def word_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in WORD_FIELDS]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = copy.deepcopy(self.in_force)
        data["unsur"] = {
            kode: {s: cleaned[f"{kode}_{s}"] for s in UNSUR_STRENGTHS if cleaned[f"{kode}_{s}"]} for kode in UNSUR_KODE
        }
        for key in WORD_FIELDS:
            data[key] = cleaned[key]
        try:
            rules_from_data(data)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        cleaned["data"] = data
        cleaned["changed"] = self.changed_data
        return cleaned
