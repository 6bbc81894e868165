"""Who is submitting, without keeping who it is: the client address, reduced to a keyed hash."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_address(request: HttpRequest) -> str:
    """The client's address, from the trusted proxy header when one is configured."""
    header = settings.SKM_CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        # Only the last entry is trustworthy: the proxy appended it; earlier ones come from the client.
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def client_hash(address: str) -> str:
    """HMAC-SHA256 of the address: equal for the same client, irreversible without the key."""
    secret = settings.SKM_CLIENT_HASH_KEY or settings.SECRET_KEY
    return salted_hmac("skm.client-address", address, secret=secret, algorithm="sha256").hexdigest()
