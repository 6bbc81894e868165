"""QR codes and posters: for the unit's admins only, generated without network."""

import re
import subprocess

import pytest
from django.urls import reverse

from tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_downloads_need_a_login(reference_units, client):
    for name, args in (("surveys:qr_png", ["UPP017"]), ("surveys:poster", ["UPP017"]), ("surveys:unit_list", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_unit_admin_gets_the_qr_of_the_unit_and_its_puskesmas(unit_admin):
    for kode in ("UPP017", "UPP066"):  # Dinas Kesehatan and one of its Puskesmas
        png = unit_admin.get(reverse("surveys:qr_png", args=[kode]))
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
        svg = unit_admin.get(reverse("surveys:qr_svg", args=[kode]))
        assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
        assert f"/survei/{kode}/".encode() in svg.content  # the SVG title carries the link it encodes


def test_a_unit_admin_gets_404_for_other_units(unit_admin):
    for name, args in (("surveys:qr_png", ["UPP001"]), ("surveys:qr_svg", ["UPP001"]), ("surveys:poster", ["UPP001"])):
        assert unit_admin.get(reverse(name, args=args)).status_code == 404


def test_the_unit_list_shows_only_reachable_units(unit_admin):
    html = unit_admin.get(reverse("surveys:unit_list")).content.decode()
    assert "UPT Puskesmas Tondano" in html and "Dinas Kesehatan" in html
    assert "Badan Kepegawaian" not in html


def test_a_city_admin_sees_every_unit(reference_units, city_admin):
    html = city_admin.get(reverse("surveys:unit_list")).content.decode()
    assert html.count('href="/survei/UPP') == 79


def test_the_poster_is_an_a4_pdf_with_the_unit_name_and_invitation(unit_admin, tmp_path):
    response = unit_admin.get(reverse("surveys:poster", args=["UPP066"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = pdf_text(pdf, layout=True)
    assert "UPT Puskesmas Bendan" in text
    assert "/survei/UPP066/" in text
    assert "Pindai" in text or "pindai" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
