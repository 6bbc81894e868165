"""Writes of the survey domain: periods and responses."""

from __future__ import annotations

import csv
import hashlib
import io
import re

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.audit import audit_record
from units.models import Unit

from .models import UNSUR_FIELDS, ImportBatch, filled_at, Pekerjaan, Pendidikan, Period, PrivacyNotice, RateLimitBucket, Response
from .periods import semester_code, semester_dates
from .selectors import period_open_on
from .tabular import ImportFailed, RowError, Value, read_table

RESPONSE_COLUMNS_REQUIRED = ("kode_unit", "tanggal", "umur", "jenis_kelamin", "pendidikan", "pekerjaan", *UNSUR_FIELDS)
RESPONSE_COLUMNS = (*RESPONSE_COLUMNS_REQUIRED[:6], "jenis_layanan", *UNSUR_FIELDS, "saran")  # a file's order
UMUR_MIN, UMUR_MAX = 10, 100
SARAN_MAX_LENGTH = 2000
JENIS_LAYANAN_MAX_LENGTH = 200
_BULK_BATCH = 2000
_COPY_CHUNK = 20_000


class PeriodLocked(Exception):
    """The period is locked: its responses and report are final."""


class SubmissionRefused(Exception):
    """A questionnaire that will never be stored as it is (e.g. its filling time); the message is for the respondent."""


def period_get_or_create(*, kode: str) -> Period:
    """The period with this code, created with its standard semester dates if needed."""
    start, end = semester_dates(kode)
    period, _created = Period.objects.get_or_create(
        kode=kode, defaults={"tanggal_mulai": start, "tanggal_selesai": end}
    )
    return period


@transaction.atomic
def period_open(*, kode: str, user: Any = None) -> Period:
    period = period_get_or_create(kode=kode)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_locked:
        raise PeriodLocked(_("period %(kode)s is locked and cannot be opened again") % {"kode": kode})
    if period.status != Period.Status.OPEN:
        period.status = Period.Status.OPEN
        period.save(update_fields=["status"])
        audit_record(user=user, action="periode_buka", period=period)
    return period


@transaction.atomic
def period_lock(*, kode: str, user: Any = None) -> Period:
    period = period_get_or_create(kode=kode)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != Period.Status.LOCKED:
        period.status = Period.Status.LOCKED
        period.save(update_fields=["status"])
        audit_record(user=user, action="periode_kunci", period=period)
    # The published figures and the fingerprint of the responses, taken in the same transaction
    # (a period locked before snapshots existed gets one when it is locked again).
    from reports.services import period_snapshot_create

    period_snapshot_create(period=period)
    return period


def period_held(period: Period) -> Period:
    """The period read again inside the caller's transaction and held until it ends, so that
    period_lock (FOR UPDATE) waits for writers that saw it open. On PostgreSQL a shared lock:
    submissions, imports and plan edits do not wait for each other, only the lock waits for
    them. SQLite's IMMEDIATE transactions already serialize every writer."""
    if connection.vendor != "postgresql":
        return Period.objects.get(pk=period.pk)
    table = connection.ops.quote_name(Period._meta.db_table)
    return Period.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [period.pk])[0]


def responses_import(
    *, data: bytes, filename: str, period: Period, user: Any = None, channel: str = Response.Channel.IMPORT,
    unit_ids: set[int] | None = None,
) -> ImportBatch:
    """Import a file of responses into a period: all rows or none.

    `unit_ids` limits the units a file may name (a unit admin's reach); others read as unknown.
    Raises ImportFailed listing every problem as `row N: column: problem`.
    """
    if period.is_locked:
        raise ImportFailed([RowError(None, "-", _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode})])
    digest = hashlib.sha256(data).hexdigest()
    previous = ImportBatch.objects.filter(sha256=digest).first()
    if previous is not None:
        raise ImportFailed([_already_imported(previous)])
    table = read_table(data, filename, required=RESPONSE_COLUMNS_REQUIRED)
    validator = _ResponseRowValidator(period, unit_ids)
    channel_value = Response.Channel(channel).value
    errors: list[RowError] = []
    try:
        # Rows are validated and copied in chunks inside one transaction, so a large file never
        # sits in memory as rows; the first bad row stops the copying, validation goes on to
        # report every problem, and the failure rolls back all that was copied.
        with transaction.atomic():
            if period_held(period).is_locked:
                raise ImportFailed([RowError(None, "-", _("period %(kode)s is locked; it accepts no more responses") % {"kode": period.kode})])
            batch = ImportBatch.objects.create(period=period, filename=filename[:255], sha256=digest, row_count=0, imported_by=user)
            chunk: list[tuple] = []
            count = 0
            for number, values in table.rows:
                row = validator.build(number, values, errors)
                if row is None or errors:
                    continue
                chunk.append((*row, channel_value, batch.pk))
                count += 1
                if len(chunk) == _COPY_CHUNK:
                    _insert_responses(chunk)
                    chunk = []
            if errors:
                raise ImportFailed(errors)
            _insert_responses(chunk)
            batch.row_count = count
            batch.save(update_fields=["row_count"])
            audit_record(user=user, action="impor", period=period, detail=f"{filename}: {count}")
    except IntegrityError:
        # Another import of the same content won the race.
        previous = ImportBatch.objects.filter(sha256=digest).first()
        if previous is None:
            raise
        raise ImportFailed([_already_imported(previous)]) from None
    return batch


# Column order of the rows that _ResponseRowValidator.build returns, then channel and batch.
_INSERT_FIELDS = (
    "unit", "period", "submitted_at", "umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan",
    *UNSUR_FIELDS, "saran", "channel", "import_batch",
)


def _insert_responses(rows: list[tuple]) -> None:
    """Insert validated rows in bulk, bypassing model instances.

    The ORM's bulk_create spends most of an import building and preparing one object per
    row; COPY (PostgreSQL) or executemany moves the same rows several times faster. The
    database's own constraints (answers 1..4, foreign keys) still check every row.
    """
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    columns = ", ".join(quote(Response._meta.get_field(name).column) for name in _INSERT_FIELDS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw COPY bypasses Django's cursor wrapper: translate driver errors as it would.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(_INSERT_FIELDS))
        adapt = connection.ops.adapt_datetimefield_value
        for start in range(0, len(rows), _BULK_BATCH):
            chunk = [(row[0], row[1], adapt(row[2]), *row[3:]) for row in rows[start : start + _BULK_BATCH]]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", chunk)


def _already_imported(batch: ImportBatch) -> RowError:
    when = timezone.localtime(batch.imported_at).strftime("%Y-%m-%d %H:%M")
    return RowError(
        None,
        "-",
        _("this file content was already imported on %(when)s (import #%(id)s, %(filename)s, period %(period)s)")
        % {"when": when, "id": batch.pk, "filename": batch.filename, "period": batch.period.kode},
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?$")  # YYYY-MM-DD[ HH:MM[:SS]]
_INTEGER = re.compile(r"^[+-]?\d+(\.0+)?$")
_SMALL_INTEGERS = {str(n): n for n in range(101)}  # ages and answers: skips the regex for nearly every cell
_SEX = {"l": "L", "laki-laki": "L", "p": "P", "perempuan": "P"}
_PENDIDIKAN = {c.value.lower(): c.value for c in Pendidikan}
_PEKERJAAN = {c.value.lower(): c.value for c in Pekerjaan}


def parse_integer(value: Value) -> int | None:
    """An integer from a cell: 7, 7.0, "7" and "7.0" are 7; anything else is None."""
    if isinstance(value, bool) or isinstance(value, datetime):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    known = _SMALL_INTEGERS.get(value)
    if known is not None:
        return known
    text = str(value).strip()
    return int(float(text)) if _INTEGER.match(text) else None


class _ResponseRowValidator:
    """Turns one file row into an unsaved Response, or adds its problems to `errors`."""

    def __init__(self, period: Period, unit_ids: set[int] | None = None):
        self.period = period
        units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=unit_ids)
        self.units = dict(units.values_list("kode", "pk"))
        self.units_upper = {kode.upper(): pk for kode, pk in self.units.items()}
        self.tz = timezone.get_current_timezone()

    def build(self, number: int, values: dict[str, Value], errors: list[RowError]) -> tuple | None:
        before = len(errors)

        def problem(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        kode = str(values.get("kode_unit", "")).strip()
        unit_id = self.units.get(kode) or self.units_upper.get(kode.upper())
        if not kode:
            problem("kode_unit", _("required"))
        elif unit_id is None:
            problem("kode_unit", _("unknown unit code %(kode)s") % {"kode": kode})

        submitted_at = self._tanggal(values.get("tanggal", ""), problem)

        umur = parse_integer(values.get("umur", ""))
        if values.get("umur", "") == "":
            problem("umur", _("required"))
        elif umur is None:
            problem("umur", _("must be a whole number of years, got %(value)s") % {"value": values["umur"]})
        elif not UMUR_MIN <= umur <= UMUR_MAX:
            problem("umur", _("must be between %(min)s and %(max)s, got %(value)s") % {"min": UMUR_MIN, "max": UMUR_MAX, "value": umur})

        sex = self._choice(values, "jenis_kelamin", _SEX, problem)
        pendidikan = self._choice(values, "pendidikan", _PENDIDIKAN, problem)
        pekerjaan = self._choice(values, "pekerjaan", _PEKERJAAN, problem)

        answers = {}
        for field in UNSUR_FIELDS:
            raw = values.get(field, "")
            answer = parse_integer(raw)
            if raw == "":
                problem(field, _("required"))
            elif answer is None or not 1 <= answer <= 4:
                problem(field, _("must be a whole number from 1 to 4, got %(value)s") % {"value": raw})
            answers[field] = answer

        jenis_layanan = str(values.get("jenis_layanan", ""))
        if len(jenis_layanan) > JENIS_LAYANAN_MAX_LENGTH:
            problem("jenis_layanan", _("longer than %(max)s characters") % {"max": JENIS_LAYANAN_MAX_LENGTH})
        saran = str(values.get("saran", ""))
        if len(saran) > SARAN_MAX_LENGTH:
            problem("saran", _("longer than %(max)s characters") % {"max": SARAN_MAX_LENGTH})

        if len(errors) > before:
            return None
        return (
            unit_id, self.period.pk, submitted_at, umur, sex, pendidikan, pekerjaan, jenis_layanan,
            *(answers[field] for field in UNSUR_FIELDS), saran,
        )

    @staticmethod
    def _choice(values: dict[str, Value], column: str, accepted: dict[str, str], problem) -> str | None:
        raw = str(values.get(column, "")).strip()
        if not raw:
            problem(column, _("required"))
            return None
        choice = accepted.get(" ".join(raw.lower().split()))
        if choice is None:
            choices = ", ".join(dict.fromkeys(accepted.values()))
            problem(column, _("unknown value %(value)s; expected one of: %(choices)s") % {"value": raw, "choices": choices})
        return choice

    def _tanggal(self, raw: Value, problem) -> datetime | None:
        if raw == "":
            problem("tanggal", _("required"))
            return None
        if isinstance(raw, datetime):
            moment = raw
        elif isinstance(raw, date):
            moment = datetime.combine(raw, time())
        else:
            try:
                moment = datetime.fromisoformat(str(raw)) if _DATE.match(str(raw)) else None
            except ValueError:  # well formed but impossible, e.g. 2023-02-30
                moment = None
            if moment is None:
                problem("tanggal", _("not a date: %(value)s (use YYYY-MM-DD or YYYY-MM-DD HH:MM)") % {"value": raw})
                return None
        if not self.period.tanggal_mulai <= moment.date() <= self.period.tanggal_selesai:
            problem(
                "tanggal",
                _("%(value)s is outside period %(period)s (%(start)s to %(end)s)")
                % {"value": moment.strftime("%Y-%m-%d"), "period": self.period.kode,
                   "start": self.period.tanggal_mulai, "end": self.period.tanggal_selesai},
            )
            return None
        return timezone.make_aware(moment, self.tz) if timezone.is_naive(moment) else moment


def rate_limit_consume(*, key: str, capacity: int, per_seconds: float) -> bool:
    """Take one token from the bucket `key` (`capacity` tokens, refilled over `per_seconds`).

    One atomic upsert, so concurrent requests cannot both take the last token and the
    public form costs a single query for it. A refused request still costs a token, down
    to a debt of one: a client that keeps hammering stays refused until it pauses.
    """
    now = timezone.now().timestamp()
    rate = capacity / per_seconds
    quote = connection.ops.quote_name
    table = quote(RateLimitBucket._meta.db_table)
    key_column, tokens, updated = (quote(name) for name in ("key", "tokens", "updated"))
    refilled = f"{table}.{tokens} + (excluded.{updated} - {table}.{updated}) * %s"
    sql = (
        f"INSERT INTO {table} ({key_column}, {tokens}, {updated}) VALUES (%s, %s, %s) "
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"{tokens} = CASE WHEN {refilled} >= %s THEN %s - 1 WHEN {refilled} < 0 THEN -1 ELSE {refilled} - 1 END, "
        f"{updated} = excluded.{updated} RETURNING {tokens}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, capacity - 1, now, rate, capacity, capacity, rate, rate])
        (tokens,) = cursor.fetchone()
    return tokens >= 0


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
    *, unit: Unit, answers: dict[str, Any], submission_id: Any, client_hash: str = "",
    channel: str = Response.Channel.ONLINE, period: Period | None = None, filled_at: datetime | None = None,
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
                unit=unit, period=period, submitted_at=now, diisi_pada=filled, submission_id=submission_id,
                client_hash=client_hash, channel=channel, **answers,
            )
    except IntegrityError:
        # The unique submission id: a reload, a double tap or a retry of a stored form.
        existing = Response.objects.filter(submission_id=submission_id).first() if submission_id else None
        if existing is None:
            raise
        if existing.unit_id != unit.pk:
            # Not a repeat: another unit's questionnaire already carries this id.
            raise SubmissionRefused(
                _("These answers carry the code of a questionnaire already sent to another unit; please fill in the form again.")
            ) from None
        return existing, False
    return response, True


def _period_closed_message(day: date) -> str:
    if Period.objects.filter(status=Period.Status.LOCKED, tanggal_mulai__lte=day, tanggal_selesai__gte=day).exists():
        return _("The survey period is closed; these answers cannot be sent.")
    return _("No survey period was open on the day these answers were filled in; they cannot be sent.")


RATE_LIMIT_BUCKET_STALE_SECONDS = 24 * 3600  # any bucket is full again long before


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Clear the client hash of responses older than SKM_CLIENT_HASH_RETENTION_DAYS and delete stale
    rate limit buckets: abuse detection needs neither for long, and UU 27/2022 wants no more kept."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SKM_CLIENT_HASH_RETENTION_DAYS)
    hashes = Response.objects.filter(submitted_at__lt=cutoff).exclude(client_hash="").update(client_hash="")
    buckets, _deleted = RateLimitBucket.objects.filter(
        updated__lt=now.timestamp() - RATE_LIMIT_BUCKET_STALE_SECONDS
    ).delete()
    return {"client_hashes": hashes, "rate_limit_buckets": buckets}


def privacy_notice_save(*, teks: str, user: Any) -> PrivacyNotice:
    """Replace the privacy notice's text; the audit trail keeps who wrote which text."""
    notice, _created = PrivacyNotice.objects.update_or_create(
        pk=PrivacyNotice.SINGLETON_PK, defaults={"teks": teks, "diubah_oleh": user}
    )
    audit_record(user=user, action="privasi_ubah", detail=teks)
    return notice


DEMO_PERIOD = "2023-S2"
DEMO_UNITS_FILE = "upp-pekalongan.csv"


DEMO_PREVIOUS_PERIOD = "2023-S1"
DEMO_USERS = (  # (user name, password, role): printed by load_demo
    ("admin", "skm-demo-2023", "superuser"),
    ("organisasi", "skm-demo-2023", "city"),
    ("dinkes", "skm-demo-2023", "UPP017"),
)


def demo_load() -> dict[str, Any]:
    """Load the demo: the 79 units of Kota Pekalongan, their 2023-S2 responses (then locked)
    and a city administrator account.

    The responses go through the same import as a user's file; loading twice changes nothing.
    """
    from units.services import units_import

    from . import demo

    units_path = demo.REFERENCE_FILE.parent / DEMO_UNITS_FILE
    units_import(data=units_path.read_bytes(), filename=DEMO_UNITS_FILE)
    period = period_get_or_create(kode=DEMO_PERIOD)
    rows = demo.demo_response_rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    already = ImportBatch.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
    if not already and not period.is_locked:
        responses_import(data=data, filename=f"demo-{DEMO_PERIOD}.csv", period=period)
    previous = period_get_or_create(kode=DEMO_PREVIOUS_PERIOD)
    from reports.services import demo_follow_up_load

    demo_follow_up_load(period=period, previous=previous, reference=demo.load_reference_units())
    # Locked once the plans and their realization are in: the lock's snapshot is the report.
    period_lock(kode=previous.kode)
    period_lock(kode=DEMO_PERIOD)
    # The current semester is open, so the questionnaire can be tried at once.
    current = period_get_or_create(kode=semester_code(timezone.localdate()))
    if current.status == Period.Status.DRAFT:
        period_open(kode=current.kode)
    for unit in Unit.objects.filter(jenis_layanan__isnull=True):
        unit.jenis_layanan.create(nama=demo.JENIS_LAYANAN)
    _demo_users()
    return {
        "period": period.kode,
        "open_period": current.kode,
        "units": Unit.objects.count(),
        "responses": Response.objects.filter(period=period).count(),
        "users": DEMO_USERS,
    }


def _demo_users() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from units.access import CITY_ADMIN_GROUP
    from units.models import UnitAdmin

    User = get_user_model()
    for username, password, role in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        if role == "superuser":
            User.objects.create_superuser(username=username, password=password, email="")
        elif role == "city":
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(Group.objects.get_or_create(name=CITY_ADMIN_GROUP)[0])
        else:
            UnitAdmin.objects.create(user=User.objects.create_user(username=username, password=password), unit=Unit.objects.get(kode=role))


def responses_export_csv(*, period: Period, output) -> int:
    """Write the period's responses as CSV in the import format (plus the channel), streamed.

    The file re-imports as it is; the keyed client hash never leaves the database.
    """
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow([*RESPONSE_COLUMNS, "cara_pengisian"])
    rows = (
        Response.objects.filter(period=period)
        .order_by("pk")
        # The day a form was filled in is the one inside its period, even when it arrived later.
        .annotate(tanggal=filled_at())
        .values_list("unit__kode", "tanggal", "umur", "jenis_kelamin", "pendidikan", "pekerjaan", "jenis_layanan",
                     *UNSUR_FIELDS, "saran", "channel")
    )
    count = 0
    for values in rows.iterator(chunk_size=5000):
        stamp = timezone.localtime(values[1]).strftime("%Y-%m-%d %H:%M")
        writer.writerow([values[0], stamp, *values[2:]])
        count += 1
    return count
