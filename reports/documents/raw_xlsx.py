"""Every response of a period (or one unit) as an Excel sheet, streamed in bounded memory."""

from __future__ import annotations

from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from skm_portal.spreadsheets import looks_like_formula
from surveys.models import RESPONSE_CONTENT_FIELDS, Period, Response
from units.models import Unit

RAW_HEADER = ("id", "kode_unit", "nama_unit", "tanggal", *RESPONSE_CONTENT_FIELDS, "cara_pengisian")


def write_raw_responses_xlsx(*, period: Period, unit: Unit | None, output: BinaryIO) -> None:
    """Every response of a period (or one unit) as rows, streamed: a million rows stay in bounded memory.

    The keyed client hash is never exported.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Respons")
    sheet.append(list(RAW_HEADER))
    responses = Response.objects.filter(period=period)
    if unit is not None:
        responses = responses.filter(unit=unit)
    rows = responses.order_by("pk").values_list(
        "pk", "unit__kode", "unit__nama", "submitted_at", *RESPONSE_CONTENT_FIELDS, "channel"
    )
    for values in rows.iterator(chunk_size=2000):
        cells = []
        for value in values:
            if hasattr(value, "tzinfo"):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=value)
            if looks_like_formula(value):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(output)
