"""Storing one questionnaire: the public form (online, possibly sent late from a device's queue) and
paper entry by staff."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.exceptions import PeriodLocked, SubmissionRefused
from surveys.models import Period, Response
from surveys.selectors.periods import period_open_on
from surveys.services.periods import period_held
from units.models import Unit


def device_filling_time(*, filled: datetime | None, sent: datetime | None, now: datetime) -> datetime | None:
    """When a questionnaire was filled in, on the server's clock.

    `filled` and `sent` are the device's clock when the respondent sent the form and when the
    script posted it (the queue may post it much later). Their difference does not depend on how
    wrong that clock is, so the filling time is `now` minus that delay (never less than 0).
    Without `sent` (queued by an older page) only the device's absolute time is known; None
    without `filled` (no JavaScript: the server's time is the filling time).
    """
    if filled is None or sent is None:
        return filled
    # Capped just past the oldest accepted age: absurd device times are refused as too old,
    # never an arithmetic error.
    delay = min(max(sent - filled, timedelta()), timedelta(days=settings.SKM_OFFLINE_MAX_AGE_DAYS + 1))
    return now - delay


def response_submit(
    *,
    unit: Unit,
    answers: dict[str, Any],
    submission_id: Any,
    client_hash: str = "",
    channel: str = Response.Channel.ONLINE,
    period: Period | None = None,
    filled_at: datetime | None = None,
    sent_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Store one questionnaire; (response, created). A repeated submission id returns the first response.

    `filled_at` is when the respondent sent it on their device and `sent_at` when the device
    posted it, both by the device's clock (see device_filling_time; now if unknown): a form kept
    offline arrives later but belongs to the period open on the day it was filled in. It may
    not lie in the future (beyond SKM_CLOCK_SKEW_SECONDS) nor more than SKM_OFFLINE_MAX_AGE_DAYS
    back. Without `period`, the open period containing that day takes it; a given `period`
    must be open and contain it. The period is checked again, locked, in the transaction that
    inserts, so no response lands after period_lock has taken its snapshot. Raises
    SubmissionRefused or PeriodLocked with a message for the respondent.
    """
    now = timezone.now()
    filled = device_filling_time(filled=filled_at, sent=sent_at, now=now) or now
    if filled > now + timedelta(seconds=settings.SKM_CLOCK_SKEW_SECONDS):
        raise SubmissionRefused(
            _("The time these answers were filled in lies in the future; check the date and time of this device.")
        )
    if filled < now - timedelta(days=settings.SKM_OFFLINE_MAX_AGE_DAYS):
        raise SubmissionRefused(
            _("These answers were filled in more than %(days)s days ago and can no longer be sent.")
            % {"days": settings.SKM_OFFLINE_MAX_AGE_DAYS}
        )
    filled = min(filled, now)  # a clock slightly ahead is tolerated, never stored
    day = timezone.localdate(filled)
    chosen = period is None
    if chosen:
        period = period_open_on(day)
        if period is None:
            raise PeriodLocked(_period_closed_message(day))

    def refuse() -> PeriodLocked:
        if chosen:
            return PeriodLocked(_period_closed_message(day))
        return PeriodLocked(_("period %(kode)s does not accept responses now") % {"kode": period.kode})

    def accepts(current: Period) -> bool:
        return current.status == Period.Status.OPEN and current.tanggal_mulai <= day <= current.tanggal_selesai

    if not accepts(period):
        raise refuse()
    try:
        with transaction.atomic():
            # period_lock holds this row while it locks and takes its snapshot: wait for it, then look again.
            if not accepts(period_held(period)):
                raise refuse()
            response = Response.objects.create(
                unit=unit,
                period=period,
                submitted_at=now,
                diisi_pada=filled,
                submission_id=submission_id,
                client_hash=client_hash,
                channel=channel,
                **answers,
            )
    except IntegrityError:
        # The unique submission id: a reload, a double tap or a retry of a stored form.
        existing = Response.objects.filter(submission_id=submission_id).first() if submission_id else None
        if existing is None:
            raise
        if existing.unit_id != unit.pk:
            # Not a repeat: another unit's questionnaire already carries this id.
            raise SubmissionRefused(
                _(
                    "These answers carry the code of a questionnaire already sent to another unit; "
                    "please fill in the form again."
                )
            ) from None
        return existing, False
    return response, True


def _period_closed_message(day: date) -> str:
    if Period.objects.filter(status=Period.Status.LOCKED, tanggal_mulai__lte=day, tanggal_selesai__gte=day).exists():
        return _("The survey period is closed; these answers cannot be sent.")
    return _("No survey period was open on the day these answers were filled in; they cannot be sent.")
