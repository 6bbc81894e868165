"""What a staff user may reach of the survey domain, built on units.access (404 outside)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from surveys.models import Response
from units.access import units_for_user


def response_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Response:
    """A response of a unit the user may see, else 404."""
    try:
        return Response.objects.select_related("unit", "period").get(pk=pk, unit__in=units_for_user(user))
    except Response.DoesNotExist:
        raise Http404("response not found") from None
