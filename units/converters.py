"""URL converter: a path segment is a unit code only if it could be one, so anything else is a 404
before a view or the database sees it."""

from units.validators import UNIT_KODE_CHARACTERS, UNIT_KODE_MAX_LENGTH


class UnitKodeConverter:
    regex = f"{UNIT_KODE_CHARACTERS}{{1,{UNIT_KODE_MAX_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
