"""What the public results page reads: the periods it offers and the units list, searched and sorted
in memory (one row per unit, from reports.selectors.results)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from reports.selectors.results import UnitResult
from surveys.models import Period, UnitTally

# The page's ?urut= values; the first is the default.
SORTS = {
    "nama": _("Name (A-Z)"),
    "ikm-tinggi": _("Index, highest first"),
    "ikm-rendah": _("Index, lowest first"),
}
DEFAULT_SORT = next(iter(SORTS))
# Longer than any unit name: a longer ?q= is cut, not refused.
QUERY_MAX_LENGTH = 100


def published_periods() -> list[Period]:
    """Locked periods with at least one response, newest first: those the page offers (one query)."""
    answered = UnitTally.objects.filter(period=OuterRef("pk"), respondents__gt=0)
    return list(Period.objects.filter(Exists(answered), status=Period.Status.LOCKED).order_by("-tanggal_mulai"))


@dataclass(frozen=True)
class Listing:
    """The units list as asked for: a search text (in the unit's name or code) and a sort."""

    q: str = ""
    urut: str = DEFAULT_SORT

    @property
    def query_string(self) -> str:
        """The non-default parameters, for links that keep them ("" when none)."""
        search = urlencode({"q": self.q}) if self.q else ""
        return "&".join(part for part in (search, self.sort_query) if part)

    @property
    def sort_query(self) -> str:
        """Only the sort, when not the default: "show all units" keeps it."""
        return "" if self.urut == DEFAULT_SORT else urlencode({"urut": self.urut})


def listing_from(params: Mapping[str, str]) -> Listing:
    """The list asked for by ?q=&urut=, never refused: an unknown sort is the default one, a search
    text loses its control characters (NUL included) and is cut to QUERY_MAX_LENGTH."""
    raw = params.get("q", "")[: QUERY_MAX_LENGTH * 4]  # bounded before any work on it
    q = " ".join("".join(c if c.isprintable() else " " for c in raw).split())[:QUERY_MAX_LENGTH]
    urut = params.get("urut", "")
    return Listing(q=q, urut=urut if urut in SORTS else DEFAULT_SORT)


def listed_units(results: Sequence[UnitResult], listing: Listing) -> list[UnitResult]:
    """The units with responses whose name or code contains the search text (any case), sorted;
    equal indexes by name."""
    needle = listing.q.casefold()
    found = [r for r in results if r.respondents and (needle in r.nama.casefold() or needle in r.kode.casefold())]
    found.sort(key=lambda r: (r.nama.casefold(), r.kode))
    if listing.urut != "nama":
        found.sort(key=lambda r: r.ikm, reverse=listing.urut == "ikm-tinggi")  # stable: names stay in order
    return found
