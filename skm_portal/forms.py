"""What every portal form shares."""

from crispy_forms.helper import FormHelper


class FieldsOnly:
    """Mixin for forms whose template writes the <form> tag, the CSRF token and the buttons:
    crispy renders the fields only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's {% csrf_token %} is the one
