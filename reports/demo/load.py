"""Loading the demo: the 79 units of Kota Pekalongan, their 2023-S2 responses and the reference report's
plans (then locked, so the lock's snapshot is the published report), an open current period and demo users.

The responses go through the same import as a user's file; loading twice changes nothing. Only the
load_demo command calls this: it creates a superuser with a published password.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from reports.demo import reference
from reports.demo.rencana import demo_rencana_load
from reports.models import FrontMatter
from reports.services.locking import period_lock
from surveys.models import ImportBatch, Period, Response
from surveys.semesters import semester_code
from surveys.services.periods import period_get_or_create, period_open
from surveys.services.response_import import responses_import
from units.access import CITY_ADMIN_GROUP
from units.models import Unit, UnitAdmin
from units.services.unit_import import units_import

DEMO_PERIOD = "2023-S2"
DEMO_PREVIOUS_PERIOD = "2023-S1"
DEMO_SIGNED = date(2024, 1, 31)  # "Pekalongan, 31 Januari 2024" in the reference report
DEMO_USERS = (  # (user name, password, role): printed by load_demo
    ("admin", "skm-demo-2023", "superuser"),
    ("organisasi", "skm-demo-2023", "city"),
    ("dinkes", "skm-demo-2023", "UPP017"),
)


def demo_load() -> dict[str, Any]:
    """Load the demo (see the module's docstring); what was loaded, and the users to print."""
    units_import(data=reference.UNITS_FILE.read_bytes(), filename=reference.UNITS_FILE.name)
    period = period_get_or_create(kode=DEMO_PERIOD)
    rows = reference.demo_response_rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    already = ImportBatch.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
    if not already and not period.is_locked:
        responses_import(source=io.BytesIO(data), filename=f"demo-{DEMO_PERIOD}.csv", period=period)
    previous = period_get_or_create(kode=DEMO_PREVIOUS_PERIOD)
    demo_rencana_load(period=period, previous=previous, reference=reference.load_reference_units())
    # Locked once the plans and their realisasi are in: the lock's snapshot is the report. A final
    # report is signed with its period's date: 2023-S2 the reference report's, 2023-S1 a month after its end.
    for signed, tanggal in ((previous, previous.tanggal_selesai + timedelta(days=31)), (period, DEMO_SIGNED)):
        if not signed.is_locked:
            front, _created = FrontMatter.objects.get_or_create(period=signed)
            front.tanggal = front.tanggal or tanggal
            front.save()
    period_lock(kode=previous.kode)
    period_lock(kode=DEMO_PERIOD)
    # The current semester is open, so the questionnaire can be tried at once.
    current = period_get_or_create(kode=semester_code(timezone.localdate()))
    if current.status == Period.Status.DRAFT:
        period_open(kode=current.kode)
    for unit in Unit.objects.filter(jenis_layanan__isnull=True):
        unit.jenis_layanan.create(nama=reference.JENIS_LAYANAN)
    _demo_users()
    return {
        "period": period.kode,
        "open_period": current.kode,
        "units": Unit.objects.count(),
        "responses": Response.objects.filter(period=period).count(),
        "users": DEMO_USERS,
    }


def _demo_users() -> None:
    User = get_user_model()
    for username, password, role in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        if role == "superuser":
            User.objects.create_superuser(username=username, password=password, email="")
        elif role == "city":
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(Group.objects.get_or_create(name=CITY_ADMIN_GROUP)[0])
        else:
            UnitAdmin.objects.create(
                user=User.objects.create_user(username=username, password=password), unit=Unit.objects.get(kode=role)
            )
