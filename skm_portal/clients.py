"""Who is asking: the client's network address, as the login lockout and the questionnaire's rate limit see it."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The networks of SKM_TRUSTED_PROXIES (settings.py refuses to start with an invalid one)."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it: `192.0.2.1`, `2001:db8::1`, with a port (`192.0.2.1:5678`,
    `[2001:db8::1]:5678`) or an IPv4-mapped IPv6 address (read as IPv4); None if it is not an address."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress | None, networks: tuple[IPNetwork, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's own, unless it comes from a trusted proxy
    (SKM_TRUSTED_PROXIES). Then the proxy header (SKM_CLIENT_IP_HEADER) is read from its end: each
    trusted proxy appended the address it was reached from, so the rightmost entry that is not a
    trusted proxy is the client; the entries left of it were written by the client and are ignored.
    An entry that is not an address ends the walk at the proxy that passed it on."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(settings.SKM_TRUSTED_PROXIES))
    header = settings.SKM_CLIENT_IP_HEADER
    if not header or not networks or not _trusted(parse_address(remote), networks):
        return remote
    forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    client = remote
    for entry in reversed([entry for entry in forwarded.split(",") if entry.strip()]):
        address = parse_address(entry)
        if address is None:
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
