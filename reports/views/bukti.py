"""Evidence files of a tindak lanjut: to staff who may see the unit, and to everyone where the unit chose so."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from reports.access import tindak_lanjut_for_user
from reports.models import TindakLanjut
from reports.services.realisasi import BUKTI_CONTENT_TYPES
from surveys.models import Period

# Uploaded by a unit, shown to others: whatever a file holds runs in no origin of the portal
# (sandbox: no scripts, no forms, a unique origin) and loads nothing. Inline style only for the
# browser's own image viewer, which centres and zooms the image with it (harmless without scripts).
BUKTI_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
INLINE_EVIDENCE_TYPES = {"image/jpeg", "image/png"}  # a PDF is downloaded, never opened in the portal's origin


def bukti_file_response(tindak_lanjut: TindakLanjut) -> FileResponse:
    """An action's evidence file, served as the type its content was checked to be: images inline,
    anything else (PDF) as an attachment, under a sandboxing Content-Security-Policy."""
    if not tindak_lanjut.bukti_file:
        raise Http404("no evidence file")
    extension = tindak_lanjut.bukti_file.name.rsplit(".", 1)[-1]
    content_type = BUKTI_CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(
        tindak_lanjut.bukti_file.open("rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE_EVIDENCE_TYPES,
        filename=f"bukti-{tindak_lanjut.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = BUKTI_CSP  # the site's policy (CSPMiddleware) leaves it
    return response


@login_required
def bukti_view(request: HttpRequest, pk: int) -> FileResponse:
    return bukti_file_response(tindak_lanjut_for_user(request.user, pk))


def public_bukti(request: HttpRequest, pk: int) -> FileResponse:
    tindak_lanjut = get_object_or_404(
        TindakLanjut, pk=pk, bukti_publik=True, prioritas__period__status=Period.Status.LOCKED
    )
    return bukti_file_response(tindak_lanjut)
