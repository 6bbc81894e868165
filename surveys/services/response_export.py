"""A period's responses as CSV for archiving: the import format, without client hashes."""

from __future__ import annotations

import csv
from typing import TextIO

from django.utils import timezone

from skm_portal.spreadsheets import csv_safe
from surveys.models import RESPONSE_CONTENT_FIELDS, Period, Response, filled_at
from surveys.services.response_import import RESPONSE_COLUMNS


def responses_export_csv(*, period: Period, output: TextIO) -> int:
    """Write the period's responses as CSV in the import format (plus the channel), streamed.

    The file re-imports as it is (a text a spreadsheet would run as a formula carries the
    apostrophe of skm_portal.spreadsheets, which the import takes off); the keyed client hash never
    leaves the database.
    """
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow([*RESPONSE_COLUMNS, "cara_pengisian"])
    rows = (
        Response.objects.filter(period=period)
        .order_by("pk")
        # The day a form was filled in is the one inside its period, even when it arrived later.
        .annotate(tanggal=filled_at())
        .values_list("unit__kode", "tanggal", *RESPONSE_CONTENT_FIELDS, "channel")
    )
    count = 0
    for values in rows.iterator(chunk_size=5000):
        stamp = timezone.localtime(values[1]).strftime("%Y-%m-%d %H:%M")
        writer.writerow([csv_safe(value) for value in (values[0], stamp, *values[2:])])
        count += 1
    return count
