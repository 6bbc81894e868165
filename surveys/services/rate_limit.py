"""Rate limits of public pages (the questionnaire per client and unit, the public PDFs per client): token
buckets kept in the database."""

from __future__ import annotations

import math

from django.db import connection
from django.utils import timezone

from surveys.models import RateLimitBucket


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


def retry_after_seconds(*, capacity: int, per_seconds: float) -> int:
    """How long a refused client waits for a token again: a refused request costs one, down to a debt
    of one (rate_limit_consume), so two tokens' time."""
    return math.ceil(2 * per_seconds / capacity)
