"""Storing one questionnaire: the public form (online, possibly sent late from a device's queue) and
paper entry by staff.

One transaction, five statements on the normal path: a select that finds the open period and
holds it (so that locking waits for this insert), holds the unit (so that its submissions take
turns: each sees the ones before it) and tells whether the submission id is already stored; the
rate limit; the insert, which answers whether an identical response lies within the duplicate
window and whether this device's recent responses may make a burst; the two tally upserts; a
sixth for a suggestion with a theme (surveys.services.saran_tema), whose tallies it adds to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.exceptions import PeriodLocked, SubmissionRefused
from surveys.models import Period, Response
from surveys.services.bursts import burst_record
from surveys.services.rate_limit import rate_limit_consume
from surveys.services.saran_tema import SaranDelta, saran_analyse, saran_rules_current, saran_tallies_add
from surveys.services.tallies import tallies_add
from surveys.tallies import TallyDelta, content_hash, duplicate_change
from units.models import Unit


@dataclass(frozen=True)
class RateLimit:
    """A token bucket a submission takes one token from (surveys.services.rate_limit)."""

    key: str
    capacity: int
    per_seconds: float


class RateLimited(Exception):
    """Too many questionnaires from this client for the unit: nothing was stored."""


def filling_duration(*, opened: datetime | None, filled: datetime) -> int | None:
    """Whole seconds from the form shown to the form sent, both by one clock; None when unknown or
    impossible (shown after sent, or more than a day: a form left open says nothing of its filling)."""
    if opened is None:
        return None
    seconds = (filled - opened).total_seconds()
    return int(seconds) if 0 <= seconds <= 86400 else None


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
    rate_limit: RateLimit | None = None,
    opened_at: datetime | None = None,
    device_id: int | None = None,
) -> tuple[Response, bool]:
    """Store one questionnaire; (response, created). A repeated submission id returns the first response.

    `filled_at` is when the respondent sent it on their device and `sent_at` when the device
    posted it, both by the device's clock (see device_filling_time; now if unknown): a form kept
    offline arrives later but belongs to the period open on the day it was filled in. It may
    not lie in the future (beyond SKM_CLOCK_SKEW_SECONDS) nor more than SKM_OFFLINE_MAX_AGE_DAYS
    back. Without `period`, the open period containing that day takes it; a given `period`
    must be open and contain it. The period is read and held in the transaction that inserts,
    so no response lands after locking has taken its snapshot. Raises SubmissionRefused or
    PeriodLocked with a message for the respondent, RateLimited when `rate_limit` has no token.
    `opened_at` is when the form was shown, by the clock of `filled_at` (the server's without
    it): their difference is kept as the filling duration. `device_id`: the kiosk that took it.
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
    durasi = filling_duration(opened=opened_at, filled=filled_at or now)
    day = timezone.localdate(filled)
    fingerprint = content_hash(answers)
    saran = saran_analyse(answers.get("saran") or "", saran_rules_current())
    limited = False
    try:
        with transaction.atomic():
            check = _check(period, day, unit, submission_id)
            if check.stored_unit is not None:
                return _repeat(check.stored_unit, unit, submission_id)
            if check.period is None:
                raise _closed(period, day)
            if rate_limit and not rate_limit_consume(
                key=rate_limit.key, capacity=rate_limit.capacity, per_seconds=rate_limit.per_seconds
            ):
                limited = True  # leave the block normally: the token taken is kept
            else:
                response = Response(
                    unit=unit, period=check.period, submitted_at=now, diisi_pada=filled, submission_id=submission_id,
                    client_hash=client_hash, channel=channel, content_hash=fingerprint, device_id=device_id,
                    durasi_detik=durasi, saran_unsur=saran.unsur, saran_jenis=saran.jenis, **answers,
                )  # fmt: skip
                found = _insert(response)
                delta = TallyDelta()
                delta.add(answers, filled, channel=channel, durasi=durasi)
                window = timedelta(minutes=settings.SKM_FLAG_DUPLICATE_MINUTES)
                before, after = found.identical_before, found.identical_after
                delta.duplicates_found(*duplicate_change(filled, before, after, window))
                tallies_add(period_id=check.period.pk, deltas={unit.pk: delta})
                if saran.jenis:
                    saran_tallies_add(period_id=check.period.pk, deltas={unit.pk: SaranDelta.of(saran)})
                if found.burst and channel == Response.Channel.ONLINE:
                    burst_record(period_id=check.period.pk, unit_id=unit.pk, client_hash=client_hash)
    except IntegrityError:
        # The unique submission id: two sends of the same form at the same moment.
        stored_unit = Response.objects.filter(submission_id=submission_id).values_list("unit_id", flat=True).first()
        if stored_unit is None:
            raise
        return _repeat(stored_unit, unit, submission_id)
    if limited:
        raise RateLimited()
    return response, True


@dataclass(frozen=True)
class _Check:
    period: Period | None  # the open period that takes the response, held until the transaction ends
    stored_unit: int | None  # the unit of a response already stored with this submission id


def _check(period: Period | None, day: date, unit: Unit, submission_id: Any) -> _Check:
    """The first select of a submission (see the module's docstring)."""
    response, period_table = Response._meta.db_table, Period._meta.db_table
    stored_id = Response._meta.get_field("submission_id").get_db_prep_value(submission_id, connection)
    on_day = connection.ops.adapt_datefield_value(day)
    tables, where, params = f"{period_table} p", "", [stored_id]
    hold = ""
    if connection.vendor == "postgresql":
        # Locking a period takes its row FOR UPDATE: it waits for this transaction. The unit's row
        # makes its submissions (and imports) take turns, so that the insert's own select sees every
        # response stored before it. (SQLite's IMMEDIATE transactions already serialize every writer.)
        tables += f", {connection.ops.quote_name(Unit._meta.db_table)} u"
        where, hold = "u.id = %s AND ", " FOR SHARE OF p FOR NO KEY UPDATE OF u"
        params.append(unit.pk)
    where += "p.status = %s AND p.tanggal_mulai <= %s AND p.tanggal_selesai >= %s"
    params += [Period.Status.OPEN, on_day, on_day]
    if period is None:
        where += " ORDER BY p.tanggal_mulai DESC"
    else:
        where += " AND p.id = %s"
        params.append(period.pk)
    sql = (
        f"SELECT p.id, p.kode, p.status, p.tanggal_mulai, p.tanggal_selesai, "
        f"(SELECT unit_id FROM {response} WHERE submission_id = %s) FROM {tables} WHERE {where} LIMIT 1{hold}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        # No open period for that day: the id may still be stored (a retry after the period closed).
        stored = Response.objects.filter(submission_id=submission_id).values_list("unit_id", flat=True).first()
        return _Check(period=None, stored_unit=stored)
    period_id, kode, status, start, end, stored = row
    as_date = Period._meta.get_field("tanggal_mulai").to_python  # SQLite answers dates and times as text
    found = Period(pk=period_id, kode=kode, status=status, tanggal_mulai=as_date(start), tanggal_selesai=as_date(end))
    return _Check(period=found, stored_unit=stored)


@dataclass(frozen=True)
class _Inserted:
    identical_before: datetime | None  # the nearest filling times of identical responses of the unit:
    identical_after: datetime | None  # at or before this one's, and after it
    burst: bool  # this device's recent responses for the unit may make a burst with this one


def _insert(response: Response) -> _Inserted:
    """Insert the response; its id is set and what the tallies need is returned by the same
    statement (which sees every earlier submission of the unit: see _check)."""
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    table = quote(Response._meta.db_table)
    fields = [field for field in Response._meta.local_concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(response, True), connection) for field in fields]
    filled = adapt(response.diisi_pada)
    identical = (
        f"FROM {table} r WHERE r.unit_id = %s AND r.content_hash = %s AND r.period_id = %s AND r.id <> {table}.id "
        "AND COALESCE(r.diisi_pada, r.submitted_at)"
    )
    group = [response.unit_id, response.content_hash, response.period_id]
    returning = [
        f"(SELECT MAX(COALESCE(r.diisi_pada, r.submitted_at)) {identical} <= %s)",
        f"(SELECT MIN(COALESCE(r.diisi_pada, r.submitted_at)) {identical} > %s)",
    ]
    params = [*values, *group, filled, *group, filled]
    if response.client_hash:
        size, window = settings.SKM_FLAG_BURST_RESPONSES, timedelta(minutes=settings.SKM_FLAG_BURST_MINUTES)
        now = response.submitted_at
        # The device's responses of the last window, by arrival or by filling time (never filled after
        # they arrived, so one range of the index on arrival finds both): with this one, enough?
        recent = (
            f"SELECT 1 FROM {table} r WHERE r.unit_id = %s AND r.client_hash = %s AND r.submitted_at >= %s "
            f"AND r.period_id = %s AND r.id <> {table}.id "
            "AND (r.submitted_at >= %s OR COALESCE(r.diisi_pada, r.submitted_at) >= %s) LIMIT %s"
        )
        returning.append(f"(SELECT count(*) FROM ({recent}) b) >= %s")
        start = min(now, response.diisi_pada) - window
        params += [response.unit_id, response.client_hash, adapt(start), response.period_id, adapt(now - window)]
        params += [adapt(response.diisi_pada - window), size - 1, size - 1]
    else:
        returning.append("0")
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {table}.id, {', '.join(returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        response.pk, before, after, burst = cursor.fetchone()
    response._state.adding = False
    return _Inserted(identical_before=_moment(before), identical_after=_moment(after), burst=bool(burst))


def _moment(value: Any) -> datetime | None:
    """A time read by a raw query: PostgreSQL gives it aware, SQLite as text in UTC."""
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.fromisoformat(value), UTC)


def _repeat(stored_unit: int, unit: Unit, submission_id: Any) -> tuple[Response, bool]:
    """The same form again (a reload, a double tap, a retry): the first response; another unit's
    questionnaire with this id is no repeat."""
    if stored_unit != unit.pk:
        raise SubmissionRefused(
            _(
                "These answers carry the code of a questionnaire already sent to another unit; "
                "please fill in the form again."
            )
        )
    return Response.objects.get(submission_id=submission_id), False


def _closed(period: Period | None, day: date) -> PeriodLocked:
    if period is not None:
        return PeriodLocked(_("period %(kode)s does not accept responses now") % {"kode": period.kode})
    if Period.objects.filter(status=Period.Status.LOCKED, tanggal_mulai__lte=day, tanggal_selesai__gte=day).exists():
        return PeriodLocked(_("The survey period is closed; these answers cannot be sent."))
    return PeriodLocked(_("No survey period was open on the day these answers were filled in; they cannot be sent."))
