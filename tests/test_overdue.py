"""A planned action (tindak lanjut) whose target date has passed below 100 % progress is marked late
("terlambat") on the follow-up pages and both dashboards, instead of "not reported yet"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import TindakLanjut
from reports.selectors.rencana import overdue_by_unit, tindak_lanjut_overdue
from surveys.models import Period
from tests.conftest import logged_in
from tests.factories import PeriodFactory, PrioritasFactory, TindakLanjutFactory, UnitAdminFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("target", "progres", "late"),
    [
        (TODAY - DAY, None, True),  # past its target, nothing reported
        (TODAY - DAY, 0, True),
        (TODAY - DAY, 99, True),
        (TODAY - DAY, 100, False),  # done
        (TODAY, None, False),  # the target day itself is not past
        (TODAY + DAY, None, False),  # not reported yet, and not due
        (TODAY + DAY, 50, False),
    ],
)
def test_an_action_is_late_once_its_target_passed_below_100_percent(target, progres, late):
    assert tindak_lanjut_overdue(TindakLanjut(target=target, progres=progres), TODAY) is late


@pytest.fixture
def plans(reference_units):
    """UPP016's plans of the previous period (realisasi recorded now) and of the current one: in each, a
    late action and one not due yet."""
    before, current = PeriodFactory(kode="2025-S2"), PeriodFactory(kode="2026-S1")
    unit = Unit.objects.get(kode="UPP016")
    actions = {}
    for period, prefix in ((before, "Lama"), (current, "Baru")):
        prioritas = PrioritasFactory(unit=unit, period=period)
        actions[f"{prefix} terlambat"] = TindakLanjutFactory(
            prioritas=prioritas, teks=f"{prefix} terlambat", target=TODAY - 10 * DAY, progres=None
        )
        actions[f"{prefix} sebagian"] = TindakLanjutFactory(
            prioritas=prioritas, teks=f"{prefix} sebagian", target=TODAY - 10 * DAY, progres=40
        )
        actions[f"{prefix} belum jatuh tempo"] = TindakLanjutFactory(
            prioritas=prioritas, teks=f"{prefix} belum jatuh tempo", target=TODAY + 30 * DAY, progres=None
        )
        actions[f"{prefix} selesai"] = TindakLanjutFactory(
            prioritas=prioritas, teks=f"{prefix} selesai", target=TODAY - 10 * DAY, progres=100
        )
    return before, current, actions


def _item(html: str, teks: str) -> str:
    """The markup of the list item (or action block) that names the action."""
    at = html.index(teks)
    return html[at : html.index("</li>", at)] if "</li>" in html[at:] else html[at:]


def test_the_unit_dashboard_marks_late_actions(plans):
    before, current, _actions = plans
    staff = logged_in(UnitAdminFactory(unit__kode="UPP016").user)
    html = staff.get(reverse("reports:unit_dashboard", args=["UPP016"]), {"periode": current.kode}).content.decode()
    realisasi = html[html.index('id="realisasi"') :]
    assert "terlambat" in _item(realisasi, "Lama terlambat") and "belum dicatat" not in _item(
        realisasi, "Lama terlambat"
    )
    assert "40%" in _item(realisasi, "Lama sebagian") and "terlambat" in _item(realisasi, "Lama sebagian")
    assert "belum dicatat" in _item(realisasi, "Lama belum jatuh tempo")  # not due: as before
    assert "terlambat" not in _item(realisasi, "Lama belum jatuh tempo")
    assert "terlambat" not in _item(realisasi, "Lama selesai")
    plan = html[html.index('id="prioritas"') : html.index('id="realisasi"')]
    assert "terlambat" in _item(plan, "Baru terlambat") and "terlambat" not in _item(plan, "Baru belum jatuh tempo")


def test_the_plan_and_realisasi_pages_mark_late_actions(plans):
    _before, current, actions = plans
    staff = logged_in(UnitAdminFactory(unit__kode="UPP016").user)
    html = staff.get(reverse("reports:rencana", args=["UPP016", current.kode])).content.decode()
    assert "terlambat" in _item(html, "Baru terlambat") and "terlambat" not in _item(html, "Baru belum jatuh tempo")
    late = staff.get(reverse("reports:realisasi", args=[actions["Lama terlambat"].pk])).content.decode()
    due = staff.get(reverse("reports:realisasi", args=[actions["Lama belum jatuh tempo"].pk])).content.decode()
    assert "terlambat" in late and "terlambat" not in due


def test_the_public_followup_page_says_late_instead_of_not_reported(plans, client):
    before, _current, actions = plans
    Period.objects.filter(pk=before.pk).update(status=Period.Status.LOCKED)
    html = client.get(reverse("public_rencana", args=[before.kode, "UPP016"])).content.decode()
    blocks = {
        teks: html[html.index(teks) :].split('class="ms-2 mt-2 action"')[0]
        for teks in actions
        if teks.startswith("Lama")
    }
    assert "terlambat" in blocks["Lama terlambat"] and "kemajuan belum dilaporkan" not in blocks["Lama terlambat"]
    assert "terlambat" in blocks["Lama sebagian"]
    assert "kemajuan belum dilaporkan" in blocks["Lama belum jatuh tempo"]
    assert "terlambat" not in blocks["Lama belum jatuh tempo"] and "terlambat" not in blocks["Lama selesai"]


def test_the_city_dashboard_counts_late_actions(plans, city_admin):
    _before, current, _actions = plans
    html = city_admin.get(reverse("reports:city_dashboard"), {"periode": current.kode}).content.decode()
    row = next(line for line in html.splitlines() if "<tr><td>UPP016</td>" in line)
    # Two late actions in the period's plan (actions column), two in the previous plan (realisasi).
    assert row.count("2 terlambat") == 2
    other = next(line for line in html.splitlines() if "<tr><td>UPP001</td>" in line)
    assert "terlambat" not in other


def test_the_databases_count_of_late_actions_is_the_rule_applied_to_each(plans):
    # overdue_by_unit says in SQL what tindak_lanjut_overdue says of one action: they must agree.
    before, current, actions = plans
    # The edges too: due today (not late yet), and done past its target.
    due_today = actions["Baru terlambat"].prioritas
    TindakLanjutFactory(prioritas=due_today, teks="Hari ini", target=TODAY, progres=None)
    TindakLanjutFactory(prioritas=due_today, teks="Lewat, selesai", target=TODAY - DAY, progres=100)
    for period in (before, current):
        by_rule = sum(
            tindak_lanjut_overdue(action, TODAY) for action in TindakLanjut.objects.filter(prioritas__period=period)
        )
        assert overdue_by_unit(rencana_period=period, today=TODAY) == {Unit.objects.get(kode="UPP016").pk: by_rule}
        assert by_rule == 2
