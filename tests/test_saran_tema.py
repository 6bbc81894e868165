"""The suggestion classifier (surveys.saran_tema), its labelled set and `manage.py saran_tema`."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from surveys.saran_tema import (
    UNSUR_KODE,
    Tema,
    classify,
    default_rules,
    evaluate,
    normalize,
    read_labelled,
    rules_from_data,
    stem,
)

LABELLED = Path(__file__).resolve().parent / "data" / "saran_labelled.tsv"


@pytest.fixture(scope="module")
def rules():
    return default_rules()


def test_slang_abbreviations_stretched_letters_and_punctuation_are_normalized(rules):
    assert normalize("Antri LAMAAA bgt!!, tdk ramah yg jaga", rules.singkatan) == [
        ["antri", "lama", "banget"],
        ["tidak", "ramah", "yang", "jaga"],
    ]
    assert normalize("gak ada kursi, sdh blm dgn krn", rules.singkatan) == [
        ["tidak", "ada", "kursi"],
        ["sudah", "belum", "dengan", "karena"],
    ]
    assert normalize("syarat2nya pelyanan ac nya", rules.singkatan) == [["syarat", "syaratnya", "pelayanan", "ac"]]
    assert normalize("maaf, saat ini", rules.singkatan) == [["maaf"], ["saat", "ini"]]  # real doubled letters stay


def test_a_negation_turns_praise_into_a_complaint_and_a_complaint_into_praise(rules):
    assert classify("petugas tidak ramah", rules) == Tema(("U7",), "keluhan")
    assert classify("petugas ramah", rules) == Tema(("U7",), "pujian")
    assert classify("petugasnya kurang sopan", rules) == Tema(("U7",), "keluhan")
    assert classify("ptgs gak terlalu ramah", rules) == Tema(("U7",), "keluhan")
    assert classify("antri tidak lama", rules) == Tema(("U3",), "pujian")
    assert classify("tidak ada pungli", rules) == Tema(("U4",), "pujian")
    assert classify("toilet tidak ada air", rules) == Tema(("U8",), "keluhan")


def test_a_text_about_two_unsur_gets_both(rules):
    assert classify("antri lama bgt, ac mati", rules) == Tema(("U3", "U8"), "keluhan")
    assert classify("petugas jutek dan parkiran sempit", rules) == Tema(("U7", "U8"), "keluhan")
    # A time word counts in its own clause, not in one about another unsur.
    assert classify("petugas ramah, pelayanan cepat", rules) == Tema(("U3", "U7"), "pujian")
    assert classify("pengaduan cepat ditanggapi", rules) == Tema(("U9",), "pujian")


def test_proposals_praise_and_empty_texts(rules):
    assert classify("mohon ditambah kursi ruang tunggu", rules) == Tema(("U8",), "usul")
    assert classify("antri lama, sebaiknya loket ditambah", rules) == Tema(("U3",), "usul")
    assert classify("surat pengantar harusnya tidak perlu", rules).jenis == "keluhan"  # "perlu" negated
    assert classify("terima kasih, pelayanan sudah bagus", rules) == Tema((), "pujian")
    assert classify("tidak ada keluhan, mantap", rules) == Tema((), "pujian")
    for empty in ("", "-", "tidak ada", "Tidak ada saran.", "cukup", "ok", "Oke", "gak ada"):
        assert classify(empty, rules) == Tema((), None), empty


def test_rules_are_data_that_another_rule_set_replaces():
    own = rules_from_data(
        {
            "singkatan": {"antrinya": "antrian"},
            "negasi": ["tidak"],
            "positif": ["cepat"],
            "negatif": ["lama"],
            "usul": ["=mohon"],
            "unsur": {"U3": {"kuat": ["antrian"]}, "U8": {"kuat": ["kursi"]}},
        }
    )
    assert classify("antrinya lama", own) == Tema(("U3",), "keluhan")
    assert classify("antrinya tidak lama", own) == Tema(("U3",), "pujian")
    assert classify("petugas jutek", own) == Tema((), None)  # not in these rules
    with pytest.raises(ValueError, match="U10"):
        rules_from_data({"unsur": {"U10": {"kuat": ["x"]}}})
    with pytest.raises(ValueError, match="negasi"):
        rules_from_data({"negasi": "tidak"})


def test_the_set_backed_dictionary_stems_exactly_as_sastrawi():
    sastrawi = StemmerFactory().create_stemmer()
    for word in ("pelayanan", "persyaratan", "menunggu", "memuaskan", "keramahan", "dipercepat", "pengaduan"):
        assert stem(word) == sastrawi.stem(word)


def test_a_thousand_suggestions_take_well_under_a_second(rules):
    texts = [f"{text} {n}" for n, text in enumerate([e.text for e in read_labelled(LABELLED)] * 3)][:1000]
    stem.cache_clear()
    started = time.perf_counter()
    for text in texts:
        classify(text, rules)
    assert time.perf_counter() - started < 1.0


def test_the_labelled_set_is_large_varied_and_split():
    examples = read_labelled(LABELLED)
    assert len(examples) >= 400
    for kode in UNSUR_KODE:
        assert sum(kode in e.unsur for e in examples) >= 30, kode
    assert {e.jenis for e in examples} == {"keluhan", "usul", "pujian", None}
    assert sum(len(e.unsur) > 1 for e in examples) >= 20
    held_out = sum(e.bagian == "uji" for e in examples) / len(examples)
    assert 0.55 <= held_out <= 0.65


def test_the_rules_read_the_held_out_part_well(rules):
    result = evaluate([e for e in read_labelled(LABELLED) if e.bagian == "uji"], rules)
    assert result.macro_f1 >= 0.8
    for kode, score in result.per_unsur.items():
        assert score.recall >= 0.7, kode
    assert result.jenis_accuracy >= 0.9


def run(path: Path) -> list[dict]:
    out = io.StringIO()
    call_command("saran_tema", "--text-file", str(path), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_command_prints_one_json_object_per_line(tmp_path):
    path = tmp_path / "saran.txt"
    path.write_text("\ufeffantri lama bgt\n\nPetugas ramah, AC mati\r\nmohon tambah kursi\n-", encoding="utf-8")
    assert run(path) == [
        {"unsur": ["U3"], "jenis": "keluhan"},
        {"unsur": [], "jenis": None},
        {"unsur": ["U7", "U8"], "jenis": "keluhan"},
        {"unsur": ["U8"], "jenis": "usul"},
        {"unsur": [], "jenis": None},
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ok\nada\0nul\n", "baris 2: berisi byte NUL"),
        (b"ok\n\xff\xfe\n", "baris 2: bukan teks UTF-8 yang sah"),
        ("ok\n" + "a" * 2001 + "\n", "baris 2: lebih dari 2.000 karakter"),
        ("é" * 2000 + "\n", None),  # 2.000 characters of 2 bytes each are within bounds
        ("\n" * 100_001, "lebih dari 100.000 baris"),
    ],
)
def test_the_command_refuses_a_bad_file_in_indonesian(tmp_path, content, message):
    path = tmp_path / "saran.txt"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    if message is None:
        assert run(path) == [{"unsur": [], "jenis": None}]
        return
    with pytest.raises(CommandError, match=message):
        run(path)


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="tidak dapat membaca"):
        run(tmp_path / "tidak-ada.txt")
