"""What a staff user may reach of the report domain, built on units.access (404 outside)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from reports.models import ReportJob, TindakLanjut
from units.access import is_city_admin, units_for_user

User = AbstractBaseUser | AnonymousUser


def tindak_lanjut_for_user(user: User, pk: int) -> TindakLanjut:
    """A follow-up action of a unit the user may see, else 404."""
    try:
        return TindakLanjut.objects.select_related("prioritas__unit", "prioritas__period", "prioritas__unsur").get(
            pk=pk, prioritas__unit__in=units_for_user(user)
        )
    except TindakLanjut.DoesNotExist:
        raise Http404("action not found") from None


def report_jobs_for_user(user: User) -> QuerySet[ReportJob]:
    """City reports for city admins; unit documents for the unit's admins."""
    if is_city_admin(user):
        return ReportJob.objects.all()
    return ReportJob.objects.filter(unit__in=units_for_user(user))


def report_job_for_user(user: User, pk: int) -> ReportJob:
    try:
        return report_jobs_for_user(user).select_related("period", "unit").get(pk=pk)
    except ReportJob.DoesNotExist:
        raise Http404("report not found") from None
