#!/usr/bin/env python
"""How well the default rules of `surveys.saran_tema` read respondents' suggestions: precision,
recall and F1 per unsur, their macro F1 over the nine unsur, and the kind's accuracy, on the held-out
part ("uji") of tests/data/saran_labelled.tsv; then the time to classify every text of the file
(stemming cache cold, then warm), and 1.000 texts.

    .venv/bin/python bench/saran_tema.py
    .venv/bin/python bench/saran_tema.py --bagian latih    # the part the rules were written from

No Django and no database: the classifier is plain Python.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.saran_tema import UNSUR_KODE, classify, default_rules, evaluate, read_labelled, stem  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "saran_labelled.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bagian", choices=("uji", "latih", "semua"), default="uji")
    parser.add_argument("--salah", action="store_true", help="list the texts read wrongly")
    args = parser.parse_args()

    started = time.perf_counter()
    rules = default_rules()
    load_seconds = time.perf_counter() - started
    examples = read_labelled(LABELLED)
    part = [e for e in examples if args.bagian == "semua" or e.bagian == args.bagian]
    result = evaluate(part, rules)

    print(f"bagian: {args.bagian}, {result.texts} teks")
    print(f"{'unsur':<6}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}")
    for kode in UNSUR_KODE:
        s = result.per_unsur[kode]
        print(f"{kode:<6}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>5}")
    print(f"macro F1: {result.macro_f1:.3f}")
    print(f"jenis accuracy: {result.jenis_accuracy:.3f}")
    if args.salah:
        for e in part:
            tema = classify(e.text, rules)
            if tema.unsur != e.unsur or tema.jenis != e.jenis:
                print(f"  {e.text!r}: {tema.unsur} {tema.jenis} (label {e.unsur} {e.jenis})")

    texts = [e.text for e in examples]
    stem.cache_clear()
    started = time.perf_counter()
    for text in texts:
        classify(text, rules)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts:
        classify(text, rules)
    warm = time.perf_counter() - started
    thousand = (texts * (1000 // len(texts) + 1))[:1000]
    started = time.perf_counter()
    for text in thousand:
        classify(text, rules)
    print(f"rules loaded in {load_seconds:.3f} s")
    print(f"all {len(texts)} texts: {cold:.3f} s with an empty stemming cache, {warm:.3f} s warm")
    print(f"1.000 texts: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
