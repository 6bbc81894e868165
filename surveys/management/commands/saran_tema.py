import json
from collections.abc import Iterator
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from skm_portal.cli import open_input_file
from surveys.saran_tema import classify, default_rules

MAX_LINES = 100_000
MAX_CHARS = 2_000
# A character takes at most 4 bytes in UTF-8, and a line may end with "\r\n".
MAX_LINE_BYTES = MAX_CHARS * 4 + 2


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def suggestion_lines(source: BinaryIO) -> Iterator[str]:
    """The file's lines as text, read one at a time with bounded memory; a file that is not UTF-8
    text, or too long, stops at the offending line."""
    for number in range(1, MAX_LINES + 2):
        raw = source.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if number > MAX_LINES:
            raise CommandError(_("more than %(max)s lines; split the file") % {"max": _number(MAX_LINES)})
        if b"\0" in raw:
            raise CommandError(_("line %(line)s: contains a NUL byte; this is not a text file") % {"line": number})
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise CommandError(_("line %(line)s: not valid UTF-8 text") % {"line": number}) from None
        if len(raw) > MAX_LINE_BYTES or len(text) > MAX_CHARS:
            raise CommandError(
                _("line %(line)s: longer than %(max)s characters") % {"line": number, "max": _number(MAX_CHARS)}
            )
        yield text


class Command(BaseCommand):
    help = (
        "Classify suggestions (one per line of a UTF-8 file) into the nine unsur and a kind; prints one "
        'JSON object per line: {"unsur": ["U3", ...], "jenis": "keluhan"|"usul"|"pujian"|null}.'
    )
    requires_system_checks = []  # plain text in, plain text out: no database

    def add_arguments(self, parser):
        parser.add_argument("--text-file", required=True, help="UTF-8 text, one suggestion per line")

    def handle(self, *args, text_file: str, **options):
        rules = default_rules()
        with open_input_file(text_file) as source:
            # Streamed: each line is answered as it is read, so a bad line stops the output there.
            for text in suggestion_lines(source):
                tema = classify(text, rules)
                self.stdout.write(json.dumps({"unsur": list(tema.unsur), "jenis": tema.jenis}, ensure_ascii=False))
