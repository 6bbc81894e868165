"""Counter kiosks (perangkat loket): adding one, pairing it with a one-time code, knowing it again
by its credential on every request, revoking it.

The pairing code and the credential are random; only their SHA-256 is stored, so neither can be
read back from the database. The credential lives in a signed cookie on the tablet (see
surveys.views.kiosk), so nothing is typed after pairing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import KioskDevice
from units.models import Unit
from units.services.audit import audit_record

# No 0/O, 1/I/L: read off a screen and typed by hand if the QR cannot be scanned (surveys.urls
# accepts only these characters in the pairing address).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 8


class KioskRefused(Exception):
    """The pairing code or the device credential is not (or no longer) good: the message says why.
    `revoked_device`: the device whose credential it is, when it was revoked."""

    def __init__(self, message: str, *, revoked_device: int | None = None):
        super().__init__(message)
        self.revoked_device = revoked_device


@dataclass(frozen=True)
class ActiveDevice:
    """A paired, unrevoked device as one statement finds it on each request."""

    pk: int
    unit_id: int
    unit_kode: str
    nama: str
    ikon_wajah: bool


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalized_code(code: str) -> str:
    """A typed code as issued: capitals, without spaces or dashes."""
    return "".join(character for character in code.upper() if character.isalnum())[:32]


def kiosk_device_add(*, user: Any, unit: Unit, nama: str, ikon_wajah: bool = True) -> tuple[KioskDevice, str]:
    """A new device of the unit and its pairing code (shown once)."""
    with transaction.atomic():
        device = KioskDevice.objects.create(unit=unit, nama=nama, ikon_wajah=ikon_wajah, created_by=user)
        code = _new_code(device)
        audit_record(user=user, action="loket_tambah", unit=unit, detail=nama)
    return device, code


def kiosk_pairing_code_renew(*, user: Any, device: KioskDevice) -> str:
    """A new pairing code for a device that is not revoked (its earlier code stops working; a tablet
    paired before keeps its credential until it pairs again or is revoked)."""
    if device.revoked_at is not None:
        raise KioskRefused(_("This counter device has been revoked."))
    with transaction.atomic():
        code = _new_code(device)
        audit_record(user=user, action="loket_kode", unit=device.unit, detail=device.nama)
    return code


def _new_code(device: KioskDevice) -> str:
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    device.pairing_code_hash = _digest(code)
    device.pairing_expires_at = timezone.now() + timedelta(minutes=settings.SKM_KIOSK_PAIRING_MINUTES)
    device.save(update_fields=["pairing_code_hash", "pairing_expires_at"])
    return code


def kiosk_pair(*, code: str) -> tuple[KioskDevice, str]:
    """Pair the tablet that opened the code: (the device, its new credential). The code works once."""
    digest = _digest(normalized_code(code))
    with transaction.atomic():
        device = (
            KioskDevice.objects.select_for_update()
            .select_related("unit")
            .filter(pairing_code_hash=digest)
            .exclude(pairing_code_hash="")
            .first()
        )
        if device is None or device.revoked_at is not None:
            raise KioskRefused(_("This pairing code is not valid or has already been used."))
        if device.pairing_expires_at is None or device.pairing_expires_at < timezone.now():
            raise KioskRefused(_("This pairing code has expired. Ask the unit administrator for a new one."))
        token = secrets.token_urlsafe(32)
        device.token_hash = _digest(token)
        device.pairing_code_hash, device.pairing_expires_at = "", None
        device.paired_at = device.last_seen_at = timezone.now()
        device.save(
            update_fields=["token_hash", "pairing_code_hash", "pairing_expires_at", "paired_at", "last_seen_at"]
        )
        audit_record(user=None, action="loket_pasang", unit=device.unit, detail=device.nama)
    return device, token


def kiosk_revoke(*, user: Any, device: KioskDevice) -> None:
    """Revoke a device: its credential and any pairing code stop working at once. Its responses stay."""
    if device.revoked_at is not None:
        return
    with transaction.atomic():
        device.revoked_at = timezone.now()
        device.pairing_code_hash, device.pairing_expires_at = "", None
        device.save(update_fields=["revoked_at", "pairing_code_hash", "pairing_expires_at"])
        audit_record(user=user, action="loket_cabut", unit=device.unit, detail=device.nama)


def kiosk_device_seen(*, token: str | None) -> ActiveDevice:
    """The active device with this credential, its last-seen time set to now: one statement, so a
    kiosk's submission costs one more than the public form's. Raises KioskRefused saying whether
    the device was revoked or is unknown."""
    if not token:
        raise KioskRefused(_("This device is not paired as a counter kiosk."))
    digest = _digest(token)
    table, units = KioskDevice._meta.db_table, connection.ops.quote_name(Unit._meta.db_table)
    sql = (
        f"UPDATE {table} SET last_seen_at = %s WHERE token_hash = %s AND revoked_at IS NULL "
        f"RETURNING id, unit_id, (SELECT kode FROM {units} WHERE id = unit_id), nama, ikon_wajah"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(timezone.now()), digest])
        row = cursor.fetchone()
    if row is not None:
        pk, unit_id, kode, nama, ikon_wajah = row
        return ActiveDevice(pk=pk, unit_id=unit_id, unit_kode=kode, nama=nama, ikon_wajah=bool(ikon_wajah))
    revoked = KioskDevice.objects.filter(token_hash=digest).values_list("pk", flat=True).first()
    if revoked is not None:
        raise KioskRefused(
            _("This counter device has been revoked by the unit administrator; it no longer accepts answers."),
            revoked_device=revoked,
        )
    raise KioskRefused(_("This device is not paired as a counter kiosk."))
