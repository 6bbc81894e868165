"""Who is asking: the client's network address, as the login lockout and the questionnaire's rate limit see it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


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
