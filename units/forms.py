"""The login form, and the user name the login lockout counts."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, with the user name's length checked before anyone looks it up:
    Django only sets it as the input's maxlength, and the lockout (django-axes) records every
    failed name in a column of 255 characters."""

    # Django's own wording names the field through %(username)s, which its Indonesian translation
    # already spells out ("Masukkan nama pengguna nama pengguna ...").
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong. Capital and small letters count."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


# What the lockout (django-axes) records of a user name: its AccessAttempt column holds 255 characters.
LOCKOUT_USERNAME_MAX_LENGTH = 255


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name django-axes counts failures under (AXES_USERNAME_CALLABLE): as typed, cut to
    what its table holds and without NUL, which PostgreSQL refuses (Django admin's login form checks
    neither before authenticating)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:LOCKOUT_USERNAME_MAX_LENGTH]
