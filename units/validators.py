"""The one rule for a unit code: it is part of the unit's web addresses (/survei/<kode>/)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

UNIT_KODE_MAX_LENGTH = 20
UNIT_KODE_CHARACTERS = r"[A-Za-z0-9._-]"
UNIT_KODE_MESSAGE = _("Use only letters, digits, dot, dash and underscore.")

validate_unit_kode = RegexValidator(rf"\A{UNIT_KODE_CHARACTERS}+\Z", UNIT_KODE_MESSAGE)
