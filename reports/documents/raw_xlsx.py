"""Every response of a period (or one unit) as an Excel sheet, streamed in bounded memory."""

from __future__ import annotations

from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.documents.cells import add_filter, write_only_header
from skm_portal.spreadsheets import looks_like_formula, xlsx_value
from surveys.models import RESPONSE_CONTENT_FIELDS, UNSUR_FIELDS, Period, Response
from units.models import Unit

RAW_HEADER = ("id", "kode_unit", "nama_unit", "tanggal", *RESPONSE_CONTENT_FIELDS, "cara_pengisian")
_RAW_WIDTHS = {
    "id": 8,
    "nama_unit": 40,
    "tanggal": 17,
    "pendidikan": 20,
    "pekerjaan": 16,
    "jenis_layanan": 28,
    **dict.fromkeys(UNSUR_FIELDS, 5),
    "saran": 60,
}


def write_raw_responses_xlsx(*, period: Period, unit: Unit | None, output: BinaryIO) -> None:
    """Every response of a period (or one unit) as rows, streamed: a million rows stay in bounded memory.

    The keyed client hash is never exported.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Respons")
    write_only_header(sheet, RAW_HEADER, [_RAW_WIDTHS.get(title, 12) for title in RAW_HEADER], freeze="D2")
    responses = Response.objects.filter(period=period)
    if unit is not None:
        responses = responses.filter(unit=unit)
    rows = responses.order_by("pk").values_list(
        "pk", "unit__kode", "unit__nama", "submitted_at", *RESPONSE_CONTENT_FIELDS, "channel"
    )
    last_row = 1
    for values in rows.iterator(chunk_size=2000):
        cells = []
        for value in values:
            dated = hasattr(value, "tzinfo")
            if dated:
                value = timezone.localtime(value).replace(tzinfo=None)
            else:
                value = xlsx_value(value)
            cell = WriteOnlyCell(sheet, value=value)
            if looks_like_formula(value):
                cell.data_type = "s"
            if dated:
                cell.number_format = "DD/MM/YYYY HH:MM"
            cells.append(cell)
        sheet.append(cells)
        last_row += 1
    add_filter(sheet, len(RAW_HEADER), last_row)
    workbook.save(output)
