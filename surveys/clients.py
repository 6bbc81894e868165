"""Who is submitting, without keeping who it is: the client address, reduced to a keyed hash."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac


def client_hash(address: str) -> str:
    """HMAC-SHA256 of the address: equal for the same client, irreversible without the key."""
    secret = settings.SKM_CLIENT_HASH_KEY or settings.SECRET_KEY
    return salted_hmac("skm.client-address", address, secret=secret, algorithm="sha256").hexdigest()
