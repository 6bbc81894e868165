"""Evidence files of a tindak lanjut: to staff who may see the unit, and to everyone where the unit chose so."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from reports.access import tindak_lanjut_for_user
from reports.models import TindakLanjut
from reports.services.realisasi import EVIDENCE_CONTENT_TYPES
from surveys.models import Period


def evidence_file_response(tindak_lanjut: TindakLanjut) -> FileResponse:
    """An action's evidence file, served as the type its content was checked to be."""
    if not tindak_lanjut.bukti_file:
        raise Http404("no evidence file")
    extension = tindak_lanjut.bukti_file.name.rsplit(".", 1)[-1]
    content_type = EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(
        tindak_lanjut.bukti_file.open("rb"),
        content_type=content_type,
        filename=f"bukti-{tindak_lanjut.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bukti_view(request: HttpRequest, pk: int) -> FileResponse:
    return evidence_file_response(tindak_lanjut_for_user(request.user, pk))


def public_evidence(request: HttpRequest, pk: int) -> FileResponse:
    tindak_lanjut = get_object_or_404(
        TindakLanjut, pk=pk, bukti_publik=True, prioritas__period__status=Period.Status.LOCKED
    )
    return evidence_file_response(tindak_lanjut)
