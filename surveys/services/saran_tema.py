"""Suggestion themes written with the data: each response's themes and its unit's tallies of them
(SaranTally, one upsert) in the transaction that stores it, the rule set the city admin saves,
and the recomputation of a period after the rules change.

The tallies are upserts that add, like surveys.services.tallies: concurrent writers never lose a
count."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction

from surveys.models import Period, Response, SaranTally, SaranTemaAturan
from surveys.saran_tema import (
    DEFAULT_RULES_FILE,
    Aturan,
    classify_clauses,
    default_rules,
    normalize,
    phrases,
    rules_from_data,
)
from surveys.services.tallies import upsert_rows
from units.services.audit import audit_record

# How long the cache answers which rule set is in force before the database is asked again: a
# submission does not pay a query for it, and a saved rule set reaches every worker within this time.
RULES_RECHECK_SECONDS = 30
_REBUILD_BATCH = 2000


@dataclass(frozen=True)
class Analisis:
    """What is stored of one suggestion: its unsur ("U3,U7"), its kind ("" for none), its phrases."""

    unsur: str
    jenis: str
    frasa: tuple[str, ...]


NO_THEME = Analisis("", "", ())


def saran_analyse(text: str, rules: Aturan) -> Analisis:
    if not text.strip():
        return NO_THEME
    clauses = normalize(text, rules.singkatan)  # once, for the themes and the phrases
    tema = classify_clauses(clauses, rules)
    if tema.jenis is None:
        return NO_THEME
    return Analisis(",".join(tema.unsur), tema.jenis, phrases(clauses, rules))


@dataclass
class SaranDelta:
    """What suggestions add to one unit's theme tallies."""

    counts: Counter = field(default_factory=Counter)  # (unsur, jenis) -> texts
    frasa: Counter = field(default_factory=Counter)  # (unsur, jenis, phrase) -> texts

    @classmethod
    def of(cls, analysis: Analisis) -> SaranDelta:
        delta = cls()
        delta.add(analysis)
        return delta

    def add(self, analysis: Analisis, times: int = 1) -> None:
        """Count a suggestion `times`: under each of its unsur, or under "" when it names none."""
        if not analysis.jenis:
            return
        for unsur in analysis.unsur.split(",") if analysis.unsur else ("",):
            self.counts[unsur, analysis.jenis] += times
            for phrase in analysis.frasa:
                self.frasa[unsur, analysis.jenis, phrase] += times


def saran_tallies_add(*, period_id: int, deltas: Mapping[int, SaranDelta]) -> None:
    """Add suggestions of a period to their units' theme tallies (`deltas` by unit id)."""
    rows = [
        (period_id, unit_id, unsur, jenis, "", count)
        for unit_id, delta in deltas.items()
        for (unsur, jenis), count in delta.counts.items()
    ]
    rows += [
        (period_id, unit_id, unsur, jenis, phrase, count)
        for unit_id, delta in deltas.items()
        for (unsur, jenis, phrase), count in delta.frasa.items()
    ]
    upsert_rows(SaranTally, _COLUMNS, _SQL, rows)


_TABLE = SaranTally._meta.db_table
_COLUMNS = ("period_id", "unit_id", "unsur", "jenis", "frasa", "count")
_SQL = (
    f"INSERT INTO {_TABLE} ({', '.join(_COLUMNS)}) {{rows}} "
    f"ON CONFLICT (period_id, unit_id, unsur, jenis, frasa) DO UPDATE SET count = {_TABLE}.count + excluded.count"
)


class FrameThemes:
    """The themes of an import's suggestions, frame by frame: each distinct text of a frame is
    classified once (files repeat their suggestions), and what they add to the units' tallies is
    kept for the end of the import."""

    def __init__(self, rules: Aturan):
        self.rules = rules
        self.deltas: defaultdict[int, SaranDelta] = defaultdict(SaranDelta)

    def add(self, unit_ids: list[int], saran: list[str]) -> tuple[list[str], list[str]]:
        """The unsur and kind columns of a frame's rows."""
        found = {text: saran_analyse(text, self.rules) for text in set(saran)}
        for (unit_id, text), times in Counter(zip(unit_ids, saran, strict=True)).items():
            self.deltas[unit_id].add(found[text], times)
        return [found[text].unsur for text in saran], [found[text].jenis for text in saran]

    def write(self, period_id: int) -> None:
        saran_tallies_add(period_id=period_id, deltas=self.deltas)


_RULES_KEY = "saran_tema_rules_pk"
_compiled: dict[int, Aturan] = {}  # the rule set in force, by its row (0: the default)


def saran_rules_current(*, fresh: bool = False) -> Aturan:
    """The rule set in force: the newest saved one, else the default. Which one that is stays in the
    cache for RULES_RECHECK_SECONDS; its compiled form is kept by the process."""
    if fresh:
        cache.delete(_RULES_KEY)
    pk = cache.get_or_set(
        _RULES_KEY,
        lambda: SaranTemaAturan.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        RULES_RECHECK_SECONDS,
    )
    rules = _compiled.get(pk)
    if rules is None:
        data = SaranTemaAturan.objects.filter(pk=pk).values_list("data", flat=True).first() if pk else None
        rules = default_rules() if data is None else rules_from_data(data)
        _compiled.clear()
        _compiled[pk] = rules
    return rules


def saran_rules_data() -> dict[str, Any]:
    """The data of the rule set in force (what the rules page edits)."""
    data = SaranTemaAturan.objects.order_by("-pk").values_list("data", flat=True).first()
    return data if data is not None else json.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))


def saran_rules_save(*, data: dict[str, Any], user: Any, changed: Iterable[str] = ()) -> SaranTemaAturan:
    """Save a rule set (raises ValueError, in Indonesian, when `rules_from_data` refuses it); it is
    in force for new suggestions at once; stored ones change with saran_tema_rebuild."""
    rules = rules_from_data(data)
    with transaction.atomic():  # a rule set in force is always in the audit log
        saved = SaranTemaAturan.objects.create(data=data, diubah_oleh=user)
        audit_record(user=user, action="saran_tema_ubah", detail=", ".join(changed))
        # In force in this process once committed, compiled already; others see it within RULES_RECHECK_SECONDS.
        transaction.on_commit(partial(_rules_in_force, saved.pk, rules))
    return saved


def _rules_in_force(pk: int, rules: Aturan) -> None:
    _compiled.clear()
    _compiled[pk] = rules
    cache.set(_RULES_KEY, pk, RULES_RECHECK_SECONDS)


@dataclass(frozen=True)
class Rebuilt:
    suggestions: int  # non-empty suggestions classified
    changed: int  # responses whose stored themes changed


def saran_tema_rebuild(period: Period) -> Rebuilt:
    """Classify every suggestion of the period again with the rules in force, store the themes
    that changed and write the period's theme tallies anew. The period's row is held meanwhile:
    submissions and imports (which hold it to insert) wait, so no count is lost or doubled."""
    rules = saran_rules_current(fresh=True)
    with transaction.atomic():
        Period.objects.select_for_update().filter(pk=period.pk).first()
        found: dict[str, Analisis] = {}
        deltas: defaultdict[int, SaranDelta] = defaultdict(SaranDelta)
        changed: list[Response] = []
        suggestions = 0
        stored = (
            Response.objects.filter(period=period)
            .exclude(saran="", saran_unsur="", saran_jenis="")
            .values_list("pk", "unit_id", "saran", "saran_unsur", "saran_jenis")
        )
        for pk, unit_id, text, unsur, jenis in stored.iterator(chunk_size=_REBUILD_BATCH):
            analysis = found.get(text)
            if analysis is None:
                analysis = found[text] = saran_analyse(text, rules)
            suggestions += bool(text.strip())
            deltas[unit_id].add(analysis)
            if (analysis.unsur, analysis.jenis) != (unsur, jenis):
                changed.append(Response(pk=pk, saran_unsur=analysis.unsur, saran_jenis=analysis.jenis))
        Response.objects.bulk_update(changed, ["saran_unsur", "saran_jenis"], batch_size=_REBUILD_BATCH)
        SaranTally.objects.filter(period=period).delete()
        saran_tallies_add(period_id=period.pk, deltas=deltas)
    return Rebuilt(suggestions=suggestions, changed=len(changed))
