"""Text a person typed: bounded in length and free of control characters (NUL and the rest of C0,
DEL) and of the noncharacters U+FFFE and U+FFFF, which no one types and PostgreSQL refuses (NUL), a
page shows as garbage or an Excel file cannot hold (its XML has no place for C0 or U+FFFE/U+FFFF)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Tab and line breaks are text.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def text_problem(text: str, *, max_length: int) -> str | None:
    """None for acceptable text, else the problem in words for the person who entered it."""
    if len(text) > max_length:
        return _("longer than %(max)s characters") % {"max": max_length}
    control = CONTROL_CHARACTER.search(text)
    if control:
        return _("contains a control character (code %(code)s); remove it") % {"code": ord(control.group())}
    return None
