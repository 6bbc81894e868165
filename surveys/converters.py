"""URL converter: a path segment is a period code only if it has the form of one (2023-S2), so
anything else is a 404 before a view or the database sees it."""

from surveys.semesters import PERIODE_KODE_REGEX


class PeriodeKodeConverter:
    regex = PERIODE_KODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
