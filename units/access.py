"""The one place that decides which units a user may see and manage.

City administrators (Bagian Organisasi: superusers or members of the group below) see every
unit. A unit administrator sees the units assigned to them and all their descendants. Views
load units through `unit_for_user`, which answers 404 (not 403) for a unit out of reach, so
an outsider cannot even learn that a code exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from .models import Unit

CITY_ADMIN_GROUP = "Bagian Organisasi"


def is_city_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=CITY_ADMIN_GROUP).exists()


def visible_unit_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
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


def units_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Unit]:
    if is_city_admin(user):
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=visible_unit_ids(user))


def unit_for_user(user: AbstractBaseUser | AnonymousUser, kode: str) -> Unit:
    """The unit with this code if the user may see it, else 404."""
    try:
        return units_for_user(user).get(kode=kode)
    except Unit.DoesNotExist:
        raise Http404("unit not found") from None


def city_admin_required(view):
    """Only for Bagian Organisasi: anyone else gets 404, as for a unit out of reach."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_city_admin(request.user):
            raise Http404("not found")
        return view(request, *args, **kwargs)

    return wrapped


def action_for_user(user: AbstractBaseUser | AnonymousUser, pk: int):
    """A follow-up action of a unit the user may see, else 404."""
    from reports.models import TindakLanjut

    try:
        return TindakLanjut.objects.select_related("prioritas__unit", "prioritas__period", "prioritas__unsur").get(
            pk=pk, prioritas__unit__in=units_for_user(user)
        )
    except TindakLanjut.DoesNotExist:
        raise Http404("action not found") from None


def response_for_user(user: AbstractBaseUser | AnonymousUser, pk: int):
    """A response of a unit the user may see, else 404."""
    from surveys.models import Response

    try:
        return Response.objects.select_related("unit", "period").get(pk=pk, unit__in=units_for_user(user))
    except Response.DoesNotExist:
        raise Http404("response not found") from None


def report_job_for_user(user: AbstractBaseUser | AnonymousUser, pk: int):
    """A report job the user may see: city reports for city admins, unit documents for the unit's admins."""
    from reports.models import ReportJob

    jobs = report_jobs_for_user(user)
    try:
        return jobs.select_related("period", "unit").get(pk=pk)
    except ReportJob.DoesNotExist:
        raise Http404("report not found") from None


def report_jobs_for_user(user: AbstractBaseUser | AnonymousUser):
    from reports.models import ReportJob

    if is_city_admin(user):
        return ReportJob.objects.all()
    return ReportJob.objects.filter(unit__in=units_for_user(user))
