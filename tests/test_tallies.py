"""The running totals written with the responses (surveys.models.UnitTally, KeyedTally, BurstTally)
equal a count of the responses, whichever way they came in, also when they come in at once; the
rebuild command and verify_period; the questionnaire's statements."""

from __future__ import annotations

import io
import threading
import uuid
from collections import defaultdict
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.selectors.results import unit_results
from surveys.models import BurstTally, KeyedTally, Pekerjaan, Pendidikan, Response, Sex, UnitTally
from surveys.rules import UMUR_MAX, UMUR_MIN
from surveys.selectors.tally_counts import tallies_differing
from surveys.services.submissions import response_submit
from surveys.tallies import TallyColumns, TallyDelta, epoch_moment, rows_tallies
from tests.conftest import import_rows, questionnaire_answers, questionnaire_url, response_row
from units.models import Unit

pytestmark = pytest.mark.django_db

ANSWERS = {
    "umur": 41, "jenis_kelamin": "P", "pendidikan": "S1", "pekerjaan": "KARYAWAN", "jenis_layanan": "",
    "saran": "", **{f"u{k}": 3 for k in range(1, 10)},
}  # fmt: skip


def rebuild(kode: str) -> str:
    out = io.StringIO()
    call_command("rebuild_tallies", kode, stdout=out)
    return out.getvalue()


def stored_tallies(period) -> tuple:
    """Everything the tallies hold but the majority vote (which depends on the order of arrival)."""
    units = UnitTally.objects.filter(period=period).order_by("unit_id").values()
    for row in units:
        del row["id"], row["pattern_candidate"], row["pattern_lead"]
    keyed = KeyedTally.objects.filter(period=period).order_by("unit_id", "kind", "value")
    bursts = BurstTally.objects.filter(period=period).order_by("unit_id", "client_hash")
    return (
        list(units),
        list(keyed.values_list("unit_id", "kind", "value", "count")),
        list(bursts.values_list("unit_id", "client_hash", "largest", "started_at", "ended_at", "responses")),
    )


def test_every_way_in_adds_what_a_count_of_the_responses_gives(open_period, client, settings):
    settings.SKM_FLAG_BURST_RESPONSES = 3
    filled = timezone.now() - timedelta(minutes=5)
    # The questionnaire: one phone sending three (a burst), two of them identical (a duplicate).
    for umur in ("30", "30", "31"):
        sent = client.post(questionnaire_url(), questionnaire_answers(umur=umur), REMOTE_ADDR="198.51.100.7")
        assert sent.status_code == 302
    # Paper entry of the same content (another duplicate), and a late offline form filled earlier.
    unit = Unit.objects.get(kode="UPP016")
    paper = {**ANSWERS, **{k: int(v) if k.startswith("u") or k == "umur" else v
                           for k, v in questionnaire_answers(umur="30").items() if k in ANSWERS}}  # fmt: skip
    response_submit(unit=unit, answers=paper, submission_id=uuid.uuid4(), channel="paper")
    response_submit(unit=unit, answers=ANSWERS, submission_id=uuid.uuid4(), filled_at=filled, sent_at=timezone.now())
    before = stored_tallies(open_period)
    assert before[0][0]["respondents"] == 5 and before[0][0]["duplicates"] == 2
    assert [(b[2], b[5]) for b in before[2]] == [(3, 3)]
    assert tallies_differing(period_id=open_period.pk) == []
    assert "cocok dengan responsnya" in call_command_output("verify_period", open_period.kode)
    rebuild(open_period.kode)
    assert stored_tallies(open_period) == before


def call_command_output(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_imports_count_duplicates_within_the_file_and_against_earlier_responses(reference_units, tmp_path):
    first = [response_row(kode_unit="UPP016", umur=str(20 + i)) for i in range(3)]
    period = import_rows(tmp_path, first, name="a.csv")
    again = [response_row(kode_unit="UPP016", umur="20", tanggal="2023-08-01 09:40")]  # typed twice: 10 minutes
    again += [response_row(kode_unit="UPP017", umur="50")] * 2  # twice in the new file
    again += [response_row(kode_unit="UPP016", umur="21", tanggal="2023-08-03 09:30")]  # two days later: none
    import_rows(tmp_path, again, name="b.csv")
    figures = {t.unit.kode: (t.respondents, t.duplicates) for t in UnitTally.objects.filter(period=period)}
    assert figures == {"UPP016": (5, 1), "UPP017": (2, 1)}
    assert tallies_differing(period_id=period.pk) == []


def test_the_results_read_from_the_tallies_equal_sums_over_the_responses(reference_units, tmp_path):
    rows = [
        response_row(kode_unit="UPP016", umur=str(18 + i), u3=str(1 + i % 4), u7=str(1 + i * 7 % 4), u9=str(4 - i % 2))
        for i in range(25)
    ]
    period = import_rows(tmp_path, rows)
    (result,) = unit_results(period=period, units=[Unit.objects.get(kode="UPP016")], counts=True)
    responses = Response.objects.filter(period=period)
    assert result.respondents == 25
    assert result.answer_sums == tuple(sum(getattr(r, f"u{k}") for r in responses) for k in range(1, 10))
    assert result.square_sum == sum(sum(r.answers) ** 2 for r in responses)
    assert result.answer_counts["U7"] == [sum(r.u7 == answer for r in responses) for answer in range(1, 5)]


def test_tampered_tallies_are_named_by_verify_period_and_counted_again_by_rebuild(reference_units, tmp_path):
    period = import_rows(tmp_path, [response_row(kode_unit="UPP016"), response_row(kode_unit="UPP017", u1="2")])
    UnitTally.objects.filter(unit__kode="UPP017").update(u1_2=0, u1_3=1)
    KeyedTally.objects.filter(unit__kode="UPP016", kind="pendidikan").update(count=7)
    with pytest.raises(CommandError, match="UPP016, UPP017.*rebuild_tallies 2023-S2"):
        call_command("verify_period", "2023-S2", stdout=io.StringIO())
    assert "dari 2 respons" in rebuild("2023-S2")
    assert tallies_differing(period_id=period.pk) == []
    call_command("verify_period", "2023-S2", stdout=io.StringIO())


def test_rebuild_names_an_unknown_period(db):
    with pytest.raises(CommandError, match="2099-S1"):
        rebuild("2099-S1")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("saran", "most"),
    [("", 5), ("Antrian sudah tertib.", 6)],  # a suggestion with a theme adds its own upsert (SaranTally)
)
def test_a_questionnaire_costs_five_statements_in_one_transaction(open_period, client, saran, most):
    url = questionnaire_url()
    client.get(url)  # the unit and its questions are read once, then kept
    client.post(url, questionnaire_answers(), REMOTE_ADDR="198.51.100.8")
    atomic = []

    def note(execute, sql, params, many, context):
        atomic.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as statements, connection.execute_wrapper(note):
        sent = client.post(url, questionnaire_answers(umur="52", saran=saran), REMOTE_ADDR="198.51.100.8")
    assert sent.status_code == 302
    control = [q["sql"] for q in statements if q["sql"] in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
    sql = [q["sql"] for q in statements if q["sql"] not in control]
    assert len(sql) <= most, [text[:80] for text in sql]
    assert all(inside for text, inside in atomic if text not in control)  # one transaction: one commit
    assert control.count("COMMIT") <= 1
    assert Response.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_concurrent_submissions_add_up_to_a_count_of_their_responses(open_period, settings):
    """Eight clients at once, identical answers from one device: duplicates and the burst are
    decided by each insert seeing every earlier one (the unit's row makes them take turns)."""
    settings.SKM_FLAG_BURST_RESPONSES = 5
    unit = Unit.objects.get(kode="UPP016")
    other = Unit.objects.get(kode="UPP017")
    failures = []

    def send(worker: int) -> None:
        try:
            for i in range(12):
                answers = {**ANSWERS, "umur": 20 + (worker * i) % 3}
                response_submit(
                    unit=unit if i % 3 else other, answers=answers, submission_id=uuid.uuid4(), client_hash="c" * 64
                )
        except Exception as exc:  # reported below: a thread's exception would vanish
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Response.objects.count() == 96
    tally = UnitTally.objects.get(period=open_period, unit=unit)
    assert tally.respondents == 64 and tally.duplicates > 0
    assert tallies_differing(period_id=open_period.pk) == []


def test_an_import_counts_frame_by_frame_as_response_by_response():
    """rows_tallies over frames, merged, holds what TallyDelta.add makes of each response in turn;
    the majority vote too, for a set of answers that more than half of a unit's respondents gave."""
    rng = np.random.default_rng(7)
    count = 3000
    unit_id = rng.integers(1, 40, count)
    filled_at = np.datetime64("2023-07-01T01:00:00", "us") + rng.integers(0, 10**12, count).astype("timedelta64[us]")
    umur = rng.integers(UMUR_MIN, UMUR_MAX + 1, count)
    profile = [rng.choice(choices.values, count) for choices in (Sex, Pendidikan, Pekerjaan)]
    answers = rng.integers(1, 5, (count, 9))
    answers[unit_id == 7] = [4, 4, 3, 3, 4, 4, 3, 3, 4]  # unit 7: one set of answers from every respondent
    expected: dict[int, TallyDelta] = defaultdict(TallyDelta)
    for row in range(count):
        values = {
            "umur": int(umur[row]), "jenis_kelamin": profile[0][row], "pendidikan": profile[1][row],
            "pekerjaan": profile[2][row], **{f"u{k + 1}": int(answers[row, k]) for k in range(9)},
        }  # fmt: skip
        expected[int(unit_id[row])].add(values, epoch_moment(int(filled_at[row].astype(np.int64))))
    counted = TallyColumns.empty()
    for frame in np.array_split(np.arange(count), 7):
        columns = [column[frame] for column in profile]
        counted = counted.merged(rows_tallies(unit_id[frame], filled_at[frame], umur[frame], columns, answers[frame]))
    deltas = counted.deltas()
    assert deltas.keys() == expected.keys()
    for unit, delta in deltas.items():
        want = expected[unit]
        assert (delta.respondents, delta.answer_counts, delta.answer_square_sum, delta.keys) == (
            want.respondents, want.answer_counts, want.answer_square_sum, want.keys,
        )  # fmt: skip
        assert (delta.first_filled_at, delta.last_filled_at) == (want.first_filled_at, want.last_filled_at)
    assert deltas[7].pattern_candidate == "443344334" == expected[7].pattern_candidate
    assert deltas[7].pattern_lead == deltas[7].respondents
