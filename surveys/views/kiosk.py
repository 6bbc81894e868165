"""Counter kiosks: the unit admin's page of a unit's devices (add, new pairing code, revoke), the
pairing page a tablet opens once, and the kiosk's questionnaire that serves respondent after
respondent (under /survei/, so the questionnaire's service worker and offline queue cover it)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from skm_portal.uploads import upload_refused
from surveys.forms import KioskDeviceForm, QuestionnaireForm
from surveys.models import Response
from surveys.qr import qr_svg
from surveys.selectors.kiosk import kiosk_device_of_unit, kiosk_devices
from surveys.selectors.periods import period_open_on
from surveys.selectors.responses import response_stored_by_device
from surveys.selectors.unsur import unsur_list
from surveys.services.kiosk import (
    ActiveDevice,
    KioskRefused,
    kiosk_device_add,
    kiosk_device_seen,
    kiosk_pair,
    kiosk_pairing_code_renew,
    kiosk_revoke,
    normalized_code,
)
from surveys.views.public import SENT_COOKIE, SENT_COOKIE_MAX_AGE, JsonAnswer, questionnaire_posted
from units.access import unit_for_user
from units.models import Unit
from units.selectors.questionnaire import questionnaire_unit

KIOSK_COOKIE = "skm_loket"
_COOKIE_SALT = "surveys.kiosk"
# Browsers keep a cookie at most 400 days; every visit of the kiosk renews it.
_COOKIE_MAX_AGE = 400 * 24 * 3600
THANKS_SECONDS = 5  # the thank-you screen, then a fresh form for the next respondent


# --- the unit admin's pages -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def device_list(request: HttpRequest, unit_kode: str) -> HttpResponse:
    """The unit's counter devices (last seen, responses today, revoke) and the form that adds one;
    a device added shows its one-time pairing code and QR once."""
    unit = unit_for_user(request.user, unit_kode)
    form = KioskDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, code = kiosk_device_add(
            user=request.user, unit=unit, nama=form.cleaned_data["nama"], ikon_wajah=form.cleaned_data["ikon_wajah"]
        )
        return _pairing_page(request, unit, device.nama, code)
    context = {"unit": unit, "devices": kiosk_devices(unit=unit), "form": form}
    return render(request, "surveys/kiosk_devices.html", context)


@login_required
@require_POST
def device_code(request: HttpRequest, unit_kode: str, pk: int) -> HttpResponse:
    """A new pairing code for a device (a new tablet, or the code expired)."""
    unit = unit_for_user(request.user, unit_kode)
    device = kiosk_device_of_unit(unit=unit, pk=pk)
    try:
        code = kiosk_pairing_code_renew(user=request.user, device=device)
    except KioskRefused as error:
        messages.error(request, str(error))
        return redirect("surveys:kiosk_devices", unit_kode=unit.kode)
    return _pairing_page(request, unit, device.nama, code)


@login_required
@require_POST
def device_revoke(request: HttpRequest, unit_kode: str, pk: int) -> HttpResponse:
    unit = unit_for_user(request.user, unit_kode)
    device = kiosk_device_of_unit(unit=unit, pk=pk)
    kiosk_revoke(user=request.user, device=device)
    messages.success(request, _("Counter device %(nama)s revoked.") % {"nama": device.nama})
    return redirect("surveys:kiosk_devices", unit_kode=unit.kode)


def _pairing_page(request: HttpRequest, unit: Unit, nama: str, code: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("surveys:kiosk_pair_code", args=[code]))
    shown = f"{code[:4]}-{code[4:]}"
    context = {
        "unit": unit, "nama": nama, "code": shown, "url": url, "qr": qr_svg(url).decode(),
        "minutes": settings.SKM_KIOSK_PAIRING_MINUTES,
    }  # fmt: skip
    response = render(request, "surveys/kiosk_pairing_code.html", context)
    response["Cache-Control"] = "no-store"  # a one-time secret
    return response


# --- the tablet ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pair(request: HttpRequest, code: str = "") -> HttpResponse:
    """Opened from the QR (or the code typed): a tap on the button pairs this tablet (a GET changes
    nothing, so a link preview cannot use the code up)."""
    message = ""
    if request.method == "POST":
        try:
            _device, token = kiosk_pair(code=request.POST.get("kode", ""))
        except KioskRefused as error:
            message = str(error)
        else:
            response = redirect("surveys:kiosk")
            _set_credential(response, token)
            return response
    context = {"code": normalized_code(code), "message": message}
    return render(request, "surveys/kiosk_pair.html", context, status=400 if message else 200)


def _set_credential(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        KIOSK_COOKIE, token, salt=_COOKIE_SALT, max_age=_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip


def _device(request: HttpRequest) -> ActiveDevice:
    try:
        token = request.get_signed_cookie(KIOSK_COOKIE, default=None, salt=_COOKIE_SALT)
    except signing.BadSignature:
        token = None
    return kiosk_device_seen(token=token)


def _refused_page(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    context = {"message": message, "thanks_url": reverse("surveys:kiosk_thanks")}  # for the queue's box
    return render(request, "surveys/kiosk_refused.html", context, status=status)


@never_cache  # Back, reload or a crash never bring a previous respondent's answers
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The kiosk's form: the public questionnaire's questions and rules, channel "kiosk", this
    device on every response, no rate limit (the device is known). A post from the queue gets JSON."""
    wants_json = request.method == "POST" and "application/json" in request.headers.get("Accept", "")
    try:
        device = _device(request)
    except KioskRefused as error:
        # A form this tablet stored before it was revoked, sent again because the answer got lost:
        # stored, as every repeat hears (surveys.views.public.questionnaire_posted).
        sent_id = request.POST.get("submission_id") if request.method == "POST" else None
        if error.revoked_device is not None and response_stored_by_device(
            submission_id=sent_id, device_id=error.revoked_device
        ):
            return JsonAnswer().stored() if wants_json else redirect("surveys:kiosk_thanks")
        if wants_json:
            return JsonAnswer().refused(str(error), status=403)
        return _refused_page(request, str(error))
    found = questionnaire_unit(device.unit_kode)
    if found is None:
        raise Http404("unknown unit")
    unit, service_types = found
    form_kwargs = {"unsur": unsur_list(), "jenis_layanan": list(service_types)}
    if request.method in ("GET", "HEAD"):
        if not unit.aktif or period_open_on() is None:
            return _refused_page(request, _("The survey is closed at the moment."), status=200)
        initial = {"submission_id": uuid.uuid4(), "dibuka_pada": timezone.now()}
        response = _page(request, unit, device, QuestionnaireForm(initial=initial, **form_kwargs))
        _set_credential(response, request.get_signed_cookie(KIOSK_COOKIE, salt=_COOKIE_SALT))  # renewed
        return response
    answer = JsonAnswer() if wants_json else _PageAnswer(request, unit, device)
    if upload_refused(request):
        return answer.refused(_("These answers are too large to be sent."), status=413)
    form = QuestionnaireForm(request.POST, **form_kwargs)
    return questionnaire_posted(unit, form, answer, channel=Response.Channel.KIOSK, device_id=device.pk)


def _page(request: HttpRequest, unit: Unit, device: ActiveDevice, form: QuestionnaireForm) -> HttpResponse:
    context = {
        "unit": unit, "device": device, "form": form, "idle_seconds": settings.SKM_KIOSK_IDLE_SECONDS,
        "thanks_url": reverse("surveys:kiosk_thanks"),
    }  # fmt: skip
    return render(request, "surveys/kiosk.html", context)


class _PageAnswer:
    """The outcomes of a plain post (no JavaScript): pages."""

    def __init__(self, request: HttpRequest, unit: Unit, device: ActiveDevice):
        self.request, self.unit, self.device = request, unit, device

    def stored(self) -> HttpResponse:
        return redirect("surveys:kiosk_thanks")

    def invalid(self, form: QuestionnaireForm) -> HttpResponse:
        if form.hidden_fields_refused():
            form.renew_submission_id()
        return _page(self.request, self.unit, self.device, form)

    def refused(self, message: str, closed: bool = False, status: int = 409) -> HttpResponse:
        return _refused_page(self.request, message, status=status)


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    """A few seconds of thanks, then a fresh form (a refresh, so also without JavaScript)."""
    response = render(
        request, "surveys/kiosk_thanks.html", {"seconds": THANKS_SECONDS, "form_url": reverse("surveys:kiosk")}
    )
    # As on the public thank-you page: a changed cookie keeps the form out of the back-forward cache.
    response.set_cookie(
        SENT_COOKIE, uuid.uuid4().hex[:12], max_age=SENT_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip
    return response
