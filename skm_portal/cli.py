"""Glue shared by the import commands: read the file, report every problem, exit non-zero."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from skm_portal.import_problems import ImportFailed

T = TypeVar("T")


def open_input_file(path: str) -> BinaryIO:
    """The file at `path`, open for reading in binary."""
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise CommandError(_("cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from None


def run_import(command: BaseCommand, do_import: Callable[[], T]) -> T:
    """Run an import; on failure print its problems (`row N: column: problem` in any language, the
    first ones and how many more) and exit non-zero."""
    try:
        return do_import()
    except OperationalError as error:
        raise CommandError(
            _("the database connection was lost (%(error)s); nothing was imported: run the command again")
            % {"error": str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}
        ) from None
    except ImportFailed as failure:
        for line in failure.lines(stable=True):
            command.stderr.write(line)
        count = number_format(failure.total, force_grouping=True)
        raise CommandError(_("%(count)s problem(s) found; nothing was imported") % {"count": count}) from None
