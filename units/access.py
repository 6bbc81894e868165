"""The one place that decides which units a user may see and manage.

City administrators (Bagian Organisasi: superusers or members of the group below) see every
unit. A unit administrator sees the units assigned to them and all their descendants. Views
load units through `unit_for_user`, which answers 404 (not 403) for a unit out of reach, so
an outsider cannot even learn that a code exists. The other apps build their own object
helpers (a response, a follow-up action, a report job) on `units_for_user`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from units.models import Unit

CITY_ADMIN_GROUP = "Bagian Organisasi"

User = AbstractBaseUser | AnonymousUser


def is_city_admin(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=CITY_ADMIN_GROUP).exists()


def visible_unit_ids(user: User) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_city_admin(user):
        return set(Unit.objects.values_list("pk", flat=True))
    reachable = set(user.unit_roles.values_list("unit_id", flat=True))
    children: dict[int, list[int]] = {}
    for pk, parent in Unit.objects.filter(induk__isnull=False).values_list("pk", "induk_id"):
        children.setdefault(parent, []).append(pk)
    frontier = list(reachable)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in reachable:
                reachable.add(child)
                frontier.append(child)
    return reachable


def units_for_user(user: User) -> QuerySet[Unit]:
    if is_city_admin(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=visible_unit_ids(user))


def unit_for_user(user: User, unit_kode: str) -> Unit:
    """The unit with this code if the user may see it, else 404."""
    try:
        return units_for_user(user).get(kode=unit_kode)
    except Unit.DoesNotExist:
        raise Http404("unit not found") from None


def city_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for Bagian Organisasi: anyone else gets 404, as for a unit out of reach."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_city_admin(request.user):
            raise Http404("not found")
        return view(request, *args, **kwargs)

    return wrapped
