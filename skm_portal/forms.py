"""What every portal form shares."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms


class FieldsOnly:
    """Mixin for forms whose template writes the <form> tag, the CSRF token and the buttons:
    crispy renders the fields only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's {% csrf_token %} is the one


class TextareaField(forms.CharField):
    """Text typed in a textarea. A browser counts each line break as one character against the
    textarea's `maxlength` but sends it as two (CR LF): the field counts as the browser did (a text
    the respondent could type is never refused as too long) and keeps the line breaks as LF."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return text.replace("\r\n", "\n") if isinstance(text, str) else text
