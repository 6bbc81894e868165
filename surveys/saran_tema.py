"""Themes of respondents' suggestions (saran): which of the nine unsur a text speaks of, and whether
it is a complaint (keluhan), a proposal (usul) or praise (pujian).

Transparent rules, no model: the text is normalized (slang and abbreviations expanded, stretched
letters squeezed), cut into clauses, stemmed with Sastrawi, and matched against word lists that are
data (`saran_tema_default.json`, or a later rule set the city admin edits: same shape, same
`rules_from_data`). A rule pattern is written as a respondent would write it and is normalized and
stemmed the same way, so "persyaratan" matches "syaratnya"; a word written "=kata" matches only that
exact (normalized, unstemmed) word, for words whose stem misleads ("sebaiknya" and "diperbaiki"
both stem to "baik").

Per unsur a pattern is "kuat" (always counts), "lemah_klausa" (counts only in a clause without a
"kuat" pattern: "pengaduan cepat ditanggapi" is about complaints, "petugas ramah, pelayanan cepat"
is also about time) or "lemah_teks" (counts only when no "kuat" pattern is in the text: "syarat
ribet" is about requirements, "ngurusnya ribet" about procedure).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

DEFAULT_RULES_FILE = Path(__file__).with_name("saran_tema_default.json")
UNSUR_KODE = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
JENIS = ("keluhan", "usul", "pujian")
UNSUR_STRENGTHS = ("kuat", "lemah_klausa", "lemah_teks")
WORD_LISTS = (
    "kosong_utuh",
    "kosong_frasa",
    "pemisah",
    "negasi",
    "intensitas",
    "pengisi",
    "usul",
    "positif",
    "negatif",
)
# How many words after a negation it may turn around; intensity and filler words do not count
# ("tidak terlalu ramah", "tidak ada pungli").
NEGATION_REACH = 3
# Respondents stretch letters ("lamaaa", "bgtt"); Indonesian words rarely hold a letter three times
# in a row or end on a doubled one, while "maaf" and "saat" double it inside.
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_DOUBLED_END = re.compile(r"([a-z])\1\b")
# "syarat2(nya)" is how "syarat-syarat(nya)" is typed.
_REDUPLICATED = re.compile(r"\b([a-z]{2,})2(nya)?\b")
_CLAUSE_END = re.compile(r"[.,;:!?()\[\]\n\r]+")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")


@dataclass(frozen=True)
class Tema:
    """What a suggestion is about (unsur codes in report order) and what kind of text it is."""

    unsur: tuple[str, ...]
    jenis: str | None


@dataclass(frozen=True)
class Token:
    surface: str  # normalized, unstemmed
    stem: str
    clause: int


# A pattern element: (True, word) compares the surface form, (False, stem) the stem.
Pattern = tuple[tuple[bool, str], ...]


@dataclass(frozen=True)
class PatternSet:
    """Patterns indexed by their first element, longest first, for greedy longest matching."""

    by_first: Mapping[tuple[bool, str], tuple[tuple[Pattern, str], ...]]


@dataclass(frozen=True)
class Aturan:
    """A compiled rule set (see the module docstring); make one with `rules_from_data`."""

    singkatan: Mapping[str, str]
    kosong_utuh: frozenset[tuple[str, ...]]
    kosong_frasa: tuple[tuple[str, ...], ...]
    pemisah: frozenset[str]
    negasi: frozenset[str]
    intensitas: frozenset[str]
    pengisi: frozenset[str]
    usul: PatternSet
    polaritas: PatternSet  # label "positif" or "negatif"
    unsur: PatternSet  # label "U3:kuat", "U3:lemah_klausa", ...
    unsur_kode: tuple[str, ...]
    pemutus_frasa: frozenset[str]  # the words that end a phrase (see phrases)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    label: str


class _WordSet:
    """Sastrawi 1.0.1 keeps its 30.000 root words in a list and searches it for every candidate,
    up to 0,1 s a word; the same words in a set make a word take well under a millisecond."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(word for word in words if word.strip())

    def contains(self, word: str) -> bool:
        return word in self.words


STEMS_KEPT = 50_000  # distinct words: far more than a city's suggestions use, a few MB at most


@cache
def _stemmer() -> Stemmer:
    return Stemmer(_WordSet(StemmerFactory().get_words()))


@lru_cache(maxsize=STEMS_KEPT)
def stem(word: str) -> str:
    """Sastrawi's stem of one normalized word; cached: suggestions repeat their words, and each
    stem tries many affix combinations against the dictionary. Bounded: the words come from the
    public and from imported files."""
    if not word.isalpha():  # "50rb", "sp4n": Sastrawi would cut digits off
        return word
    return _stemmer().stem(word) or word


def normalize(text: str, singkatan: Mapping[str, str]) -> list[list[str]]:
    """The text as clauses of normalized words: lower case, stretched letters squeezed, slang and
    abbreviations expanded, punctuation dropped (it ends a clause)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _STRETCHED.sub(r"\1", text)
    text = _DOUBLED_END.sub(r"\1", text)
    text = _REDUPLICATED.sub(r"\1 \1\2", text)
    clauses = []
    for part in _CLAUSE_END.split(text):
        words = []
        for raw in _NOT_WORD.sub(" ", part).split():
            words.extend(singkatan.get(raw, raw).split())
        if words:
            clauses.append(words)
    return clauses


def _tokens(clauses: list[list[str]], rules: Aturan) -> list[Token]:
    """Stemmed tokens of normalized clauses; a clause also ends at a joining word ("dan", "tapi"),
    which stays a token so that patterns such as "kritik dan saran" still match."""
    tokens = []
    clause = 0
    for words in clauses:
        for word in words:
            if word in rules.pemisah:
                tokens.append(Token(word, word, clause))
                clause += 1
            else:
                tokens.append(Token(word, stem(word), clause))
        clause += 1
    return tokens


def _phrase(text: str, singkatan: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(word for clause in normalize(text, singkatan) for word in clause)


def _pattern(text: str, singkatan: Mapping[str, str]) -> Pattern:
    elements: list[tuple[bool, str]] = []
    for raw in text.split():
        exact = raw.startswith("=")
        elements.extend((True, w) if exact else (False, stem(w)) for w in _phrase(raw.removeprefix("="), singkatan))
    if not elements:
        raise ValueError(f"pola kosong: {text!r}")
    return tuple(elements)


def _pattern_set(labelled: Iterable[tuple[str, str]], singkatan: Mapping[str, str]) -> PatternSet:
    by_first: dict[tuple[bool, str], list[tuple[Pattern, str]]] = {}
    for text, label in labelled:
        pattern = _pattern(text, singkatan)
        by_first.setdefault(pattern[0], []).append((pattern, label))
    return PatternSet({key: tuple(sorted(value, key=lambda p: -len(p[0]))) for key, value in by_first.items()})


def _words(data: Mapping, key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(word, str) and word.strip() for word in value):
        raise ValueError(f"{key}: harus berupa daftar teks yang tidak kosong")
    return value


def rules_from_data(data: Mapping) -> Aturan:
    """Compile a rule set from its data (the shape of `saran_tema_default.json`); raises ValueError
    with an Indonesian message when the data is malformed."""
    singkatan = data.get("singkatan", {})
    if not isinstance(singkatan, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in singkatan.items()
    ):
        raise ValueError("singkatan: harus berupa pasangan teks")
    singkatan = {k.lower(): v.lower() for k, v in singkatan.items()}
    lists = {key: _words(data, key) for key in WORD_LISTS}
    unsur_data = data.get("unsur", {})
    if not isinstance(unsur_data, dict):
        raise ValueError("unsur: harus berupa pasangan kode dan pola")
    if unknown := sorted(set(unsur_data) - set(UNSUR_KODE)):
        raise ValueError(f"unsur: kode {', '.join(unknown)} tidak dikenal (hanya {', '.join(UNSUR_KODE)})")
    unsur_patterns = []
    for kode, strengths in unsur_data.items():
        if not isinstance(strengths, dict) or set(strengths) - set(UNSUR_STRENGTHS):
            raise ValueError(f"unsur {kode}: bagian yang dikenal hanya {', '.join(UNSUR_STRENGTHS)}")
        for strength in strengths:
            unsur_patterns += [(word, f"{kode}:{strength}") for word in _words(strengths, strength)]
    single = {
        key: frozenset(w for word in lists[key] for w in _phrase(word, singkatan))
        for key in ("pemisah", "negasi", "intensitas", "pengisi")
    }
    return Aturan(
        singkatan=singkatan,
        kosong_utuh=frozenset(_phrase(text, singkatan) for text in lists["kosong_utuh"]),
        kosong_frasa=tuple(
            sorted({_phrase(text, singkatan) for text in lists["kosong_frasa"]}, key=len, reverse=True)
        ),
        pemisah=single["pemisah"],
        negasi=single["negasi"],
        intensitas=single["intensitas"],
        pengisi=single["pengisi"],
        usul=_pattern_set(((word, "usul") for word in lists["usul"]), singkatan),
        polaritas=_pattern_set(
            [(word, "positif") for word in lists["positif"]] + [(word, "negatif") for word in lists["negatif"]],
            singkatan,
        ),
        unsur=_pattern_set(unsur_patterns, singkatan),
        unsur_kode=tuple(kode for kode in UNSUR_KODE if kode in unsur_data),
        pemutus_frasa=STOP_WORDS | single["pemisah"] | single["pengisi"],
    )


@cache
def default_rules() -> Aturan:
    """The rule set shipped with the portal."""
    return rules_from_data(json.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8")))


def _matches(tokens: list[Token], patterns: PatternSet) -> list[Match]:
    """Greedy longest matches from left to right; a token belongs to one match at most."""
    found = []
    i = 0
    while i < len(tokens):
        best = None
        for key in ((True, tokens[i].surface), (False, tokens[i].stem)):
            for pattern, label in patterns.by_first.get(key, ()):
                if best is not None and len(pattern) <= best.end - best.start:
                    break
                if i + len(pattern) <= len(tokens) and all(
                    (tokens[i + k].surface if exact else tokens[i + k].stem) == value
                    for k, (exact, value) in enumerate(pattern)
                ):
                    best = Match(i, i + len(pattern), label)
                    break
        if best is None:
            i += 1
        else:
            found.append(best)
            i = best.end
    return found


def _without_empty_phrases(tokens: list[Token], phrases: tuple[tuple[str, ...], ...]) -> list[Token]:
    """Drop phrases that say nothing wherever they stand ("tidak ada keluhan, sudah bagus")."""
    kept = []
    i = 0
    while i < len(tokens):
        for phrase in phrases:
            if tuple(t.surface for t in tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            kept.append(tokens[i])
            i += 1
    return kept


def _unsur(tokens: list[Token], rules: Aturan) -> tuple[str, ...]:
    found = [(m.label.split(":"), tokens[m.start].clause) for m in _matches(tokens, rules.unsur)]
    strong_clauses = {clause for (_, strength), clause in found if strength == "kuat"}
    codes = set()
    for (kode, strength), clause in found:
        if (
            strength == "kuat"
            or (strength == "lemah_klausa" and clause not in strong_clauses)
            or (strength == "lemah_teks" and not strong_clauses)
        ):
            codes.add(kode)
    return tuple(kode for kode in rules.unsur_kode if kode in codes)


def _polarity(tokens: list[Token], rules: Aturan) -> tuple[int, int]:
    """(positive, negative) counts: a negation turns the first polar word within its reach in the
    same clause around ("tidak ramah" is negative, "tidak lama" positive); a negation of anything
    else is a complaint ("tidak ada air")."""
    polar = _matches(tokens, rules.polaritas)
    polar_at = {m.start: m for m in polar}
    inside = {i for m in polar for i in range(m.start, m.end)}
    turned = set()
    positive = negative = 0
    for i, token in enumerate(tokens):
        if token.surface not in rules.negasi or i in inside:
            continue
        reach, j, target = 0, i + 1, None
        while j < len(tokens) and reach < NEGATION_REACH and tokens[j].clause == token.clause:
            if j in polar_at and polar_at[j].start not in turned:
                target = polar_at[j]
                break
            if tokens[j].surface not in rules.intensitas and tokens[j].surface not in rules.pengisi:
                reach += 1
            j += 1
        if target is not None and target.label == "negatif":
            positive += 1
        else:
            negative += 1
        if target is not None:
            turned.add(target.start)
    for m in polar:
        if m.start not in turned:
            if m.label == "positif":
                positive += 1
            else:
                negative += 1
    return positive, negative


def _proposes(tokens: list[Token], rules: Aturan) -> bool:
    """A proposal word not just after a negation ("tidak perlu", "tidak pernah ditindaklanjuti")."""
    return any(
        not any(t.surface in rules.negasi for t in tokens[max(0, m.start - 2) : m.start])
        for m in _matches(tokens, rules.usul)
    )


def classify(text: str, rules: Aturan) -> Tema:
    """The unsur and the kind of one suggestion (see classify_clauses)."""
    return classify_clauses(normalize(text, rules.singkatan), rules)


def classify_clauses(clauses: list[list[str]], rules: Aturan) -> Tema:
    """The unsur and the kind of one suggestion, given as its normalized clauses (normalize).

    Kind: "usul" when it proposes something (even next to a complaint: the respondent says what to
    do), else "keluhan" when anything in it is negative, else "pujian" when something is positive;
    a text naming an unsur without either reads as a complaint; empty-meaning texts ("-", "tidak
    ada", "ok") have no kind and no unsur."""
    tokens = _tokens(clauses, rules)
    if tuple(t.surface for t in tokens) in rules.kosong_utuh:
        return Tema((), None)
    tokens = _without_empty_phrases(tokens, rules.kosong_frasa)
    unsur = _unsur(tokens, rules)
    if _proposes(tokens, rules):
        return Tema(unsur, "usul")
    positive, negative = _polarity(tokens, rules)
    if negative or (unsur and not positive):
        return Tema(unsur, "keluhan")
    return Tema(unsur, "pujian" if positive else None)


# Words left out of the phrases shown to a unit ("antrian lama", "ruang tunggu panas"): function
# words, pronouns, forms of address and the words of proposing and thanking. A rule set's joining,
# intensity and filler words are left out too; negations stay ("tidak ramah").
STOP_WORDS = frozenset(
    [
        "yang",
        "di",
        "ke",
        "dari",
        "untuk",
        "dengan",
        "ini",
        "itu",
        "saya",
        "kami",
        "kita",
        "anda",
        "mereka",
        "dia",
        "agar",
        "supaya",
        "mohon",
        "tolong",
        "harap",
        "sebaiknya",
        "lebih",
        "sudah",
        "akan",
        "pada",
        "dalam",
        "jadi",
        "karena",
        "oleh",
        "para",
        "semoga",
        "kalau",
        "adalah",
        "ya",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "perlu",
        "harus",
        "biar",
        "buat",
        "hal",
        "tersebut",
        "terima",
        "kasih",
        "atau",
        "sebagai",
        "seperti",
        "saat",
        "mas",
        "mbak",
        "diharapkan",
        "dimohon",
        "kiranya",
        "hendaknya",
        "sekiranya",
        "tetap",
        "menjadi",
        "tentang",
        "tambah",
        "ditambah",
        "tambahkan",
        "ditambahkan",
        "tingkatkan",
        "ditingkatkan",
        "perbaiki",
        "diperbaiki",
        "sediakan",
        "disediakan",
        "pertahankan",
        "dipertahankan",
        "diberi",
        "diberikan",
        "dibuat",
    ]
)
PHRASES_PER_TEXT = 30  # a long text adds at most this many phrases to the tallies
PHRASE_MAX_LENGTH = 100


def phrases(clauses: list[list[str]], rules: Aturan) -> tuple[str, ...]:
    """A text's two- and three-word phrases (of its normalized clauses), first occurrence first, each
    once; a stop word (or a joining or filler word of the rules) ends a run of words, so no phrase spans
    it ("ruang tunggu perlu kipas angin": "ruang tunggu", "kipas angin"); intensity words are only
    left out ("pelayanan sangat lambat": "pelayanan lambat")."""
    breaks = rules.pemutus_frasa
    found: dict[str, None] = {}
    for clause in clauses:
        runs: list[list[str]] = [[]]
        for word in clause:
            if word in breaks or word.isdigit() or len(word) == 1:
                runs.append([])
            elif word not in rules.intensitas:
                runs[-1].append(word)
        for words in runs:
            for size in (2, 3):
                for start in range(len(words) - size + 1):
                    phrase = " ".join(words[start : start + size])
                    if len(phrase) <= PHRASE_MAX_LENGTH:
                        found.setdefault(phrase)
    return tuple(found)[:PHRASES_PER_TEXT]


@dataclass(frozen=True)
class Contoh:
    """A labelled suggestion: the text, its unsur and kind as a person read them, and its part of
    the set ("latih": rules were written from it; "uji": held out to measure them)."""

    text: str
    unsur: tuple[str, ...]
    jenis: str | None
    bagian: str


@dataclass(frozen=True)
class Skor:
    precision: float
    recall: float
    f1: float
    support: int  # texts labelled with the unsur


@dataclass(frozen=True)
class Evaluasi:
    per_unsur: Mapping[str, Skor]
    macro_f1: float
    jenis_accuracy: float
    texts: int


def read_labelled(path: Path) -> list[Contoh]:
    """Rows of a labelled TSV file with the header text, unsur (codes comma-separated), jenis
    (empty: none), bagian."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header != ["text", "unsur", "jenis", "bagian"]:
            raise ValueError(f"{path}: kepala kolom harus text, unsur, jenis, bagian")
        for number, line in enumerate(handle, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4:
                raise ValueError(f"{path}: baris {number} harus berisi 4 kolom")
            text, unsur, jenis, bagian = fields
            codes = tuple(code for code in unsur.split(",") if code)
            if set(codes) - set(UNSUR_KODE) or (jenis and jenis not in JENIS) or bagian not in ("latih", "uji"):
                raise ValueError(f"{path}: baris {number} tidak sah")
            rows.append(Contoh(text, codes, jenis or None, bagian))
    return rows


def evaluate(examples: Iterable[Contoh], rules: Aturan) -> Evaluasi:
    """Precision, recall and F1 of each unsur over the examples (a text may carry several), their
    unweighted mean over the nine unsur, and the share of texts whose kind is right."""
    counts = {kode: [0, 0, 0] for kode in UNSUR_KODE}  # true positives, false positives, false negatives
    right_kind = texts = 0
    for example in examples:
        tema = classify(example.text, rules)
        for kode in UNSUR_KODE:
            said, meant = kode in tema.unsur, kode in example.unsur
            if said or meant:
                counts[kode][0 if said and meant else 1 if said else 2] += 1
        right_kind += tema.jenis == example.jenis
        texts += 1
    per_unsur = {}
    for kode, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_unsur[kode] = Skor(precision, recall, f1, tp + fn)
    return Evaluasi(
        per_unsur=per_unsur,
        macro_f1=sum(s.f1 for s in per_unsur.values()) / len(per_unsur),
        jenis_accuracy=right_kind / texts if texts else 0.0,
        texts=texts,
    )
