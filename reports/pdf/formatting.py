"""Words and numbers as the report prints them, for text built in Python, and rendering in Indonesian."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from reports import skm
from surveys.models import Period

Progress = Callable[[str, int], None]

ROMAWI = {1: "I", 2: "II"}


def semester_label(period: Period) -> str:
    """ "Semester II Tahun 2023" for 2023-S2 (a code of another form is printed as it is)."""
    year, _sep, semester = period.kode.partition("-S")
    if year.isdigit() and semester.isdigit() and int(semester) in ROMAWI:
        return f"Semester {ROMAWI[int(semester)]} Tahun {year}"
    return f"Periode {period.kode}"


def fmt(value: Fraction | float | int | None, places: int = 2) -> str:
    """A number as the report prints it (90,69; 14.249), for text built in Python."""
    return "–" if value is None else skm.angka(value, places)


def paragraphs(text: str) -> list[str]:
    """Paragraphs of an editable text: separated by blank lines; single newlines become spaces."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    joined = [" ".join(line.strip() for line in block.splitlines() if line.strip()) for block in blocks]
    return [block for block in joined if block]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


# The named placeholders an editable text may use (FrontMatter's docstring); nothing else is filled.
PLACEHOLDERS = ("kota", "periode", "jumlah_unit", "jumlah_responden", "ikm", "kategori", "nomor_surat")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill(text: str, values: dict[str, str]) -> str:
    """The text with {kota} {periode} ... (PLACEHOLDERS) replaced by their values, in one pass (a value
    is never filled in turn). Anything else in braces, {kota[x]}, {kota.upper}, {0} or a stray brace,
    stays as it is written: user text is never a template."""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), text)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def step(progress: Progress | None, stage: str, percent: int) -> None:
    if progress is not None:
        progress(stage, percent)


def render_indonesian(template: str, context: dict[str, Any]) -> str:
    with translation.override("id"):
        return render_to_string(template, context)
