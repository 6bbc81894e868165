"""Every URL pattern, every query parameter and the forms' values fed what an attacker sends: a NUL
byte, an invalid UTF-8 byte, 10.000 characters, a number over 2^63. The answer is 400 or 404
(or a form re-rendered, a redirect, a 405), never a 500 — PostgreSQL refuses NUL in text, so
this runs on both databases in CI.

The sweep enumerates the URL configuration itself, so a new URL cannot be forgotten here.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import logged_in
from tests.factories import PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db

# As they stand in a URL: percent-encoded bytes go through the server's decoding.
HOSTILE_IN_PATH = ["%00", "%ff", "x" * 10_000, str(2**63 + 1)]
# As form and query values.
HOSTILE_VALUES = ["a\x00b", "x" * 10_000, str(2**63 + 1), "²"]
QUERY_PARAMETERS = ("periode", "q", "urut", "hapus", "page")
FORM_FIELDS = (
    "kode",
    "teks",
    "hapus",
    "kind",
    "period",
    "unit",
    "catatan",
    "periode",
    "populasi",
    "metode",
    "ditangani",
    "prioritas_1",
    "katalog",
    "target",
    "penanggung_jawab",
    "progres",
    "label",
    "urutan",
    "ikm",
    "username",
    "password",
    "submission_id",
    "umur",
    "u1",
    "konfirmasi",
    "kode_periode",
)


def patterns(entries=None, prefix=""):
    """(route with <...> placeholders, has parameters) of every URL pattern, the admin's included."""
    for entry in entries if entries is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, prefix + _route(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + _route(entry.pattern)
            yield route, "<" in route


def _route(pattern) -> str:
    """A pattern as a route: regex groups become <placeholders>, anchors and escapes go."""
    text = str(pattern)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
    return text.replace("^", "").replace("$", "").replace("\\", "").replace("\\Z", "")


def with_value(route: str, value: str) -> str:
    return "/" + re.sub(r"<[^>]+>", value, route)


@pytest.fixture
def clients(reference_units):
    """A superuser reaches every view (a city admin's and Django admin's), so every view meets the values."""
    PeriodFactory(kode="2023-S2", status="open")
    return [logged_in(UserFactory(is_superuser=True, is_staff=True))]


def test_the_sweep_covers_the_portal_and_the_admin():
    routes = [route for route, _params in patterns()]
    assert any(route.startswith("kelola/unit/<") for route in routes)
    assert any(route.startswith("survei/<") for route in routes)
    assert any(route.startswith("hasil/<") for route in routes)
    assert any(route.startswith("admin/") for route in routes)


@pytest.mark.parametrize("value", HOSTILE_IN_PATH, ids=["nul", "ff", "long", "2^63"])
def test_hostile_path_values_are_never_found_nor_an_error(clients, value):
    for client in clients:
        for route, has_parameters in patterns():
            if not has_parameters:
                continue
            url = with_value(route, value)
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code < 500, f"{method.__name__.upper()} {url[:80]} -> {response.status_code}"
                if not route.startswith("admin/"):
                    assert response.status_code in (302, 400, 404, 405), f"{url[:80]} -> {response.status_code}"


def valid_url(route: str) -> str:
    """The route with a unit and a period that exist, and 1 for any other parameter."""
    url = route.replace("<unit_kode:unit_kode>", "UPP017").replace("<periode_kode:periode_kode>", "2023-S2")
    return "/" + re.sub(r"<[^>]+>", "1", url)


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=["nul", "long", "2^63", "²"])
def test_hostile_query_and_form_values_are_never_an_error(clients, value):
    query = "&".join(f"{name}={quote(value)}" for name in QUERY_PARAMETERS) + "&raw=%ff&periode=%ff"
    form = dict.fromkeys(FORM_FIELDS, value)
    for client in clients:
        for route, _has_parameters in patterns():
            url = valid_url(route)
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, f"GET {url}?{query[:60]} -> {response.status_code}"
            response = client.post(url, form)
            assert response.status_code < 500, f"POST {url} {value[:20]!r} -> {response.status_code}"
