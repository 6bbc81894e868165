"""The public pages of the survey: the questionnaire (anonymous, phone-first, works without JavaScript),
its thank-you page, its service worker and the privacy notice."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from skm_portal.clients import client_address
from skm_portal.uploads import upload_refused
from surveys.clients import client_hash
from surveys.exceptions import PeriodLocked, SubmissionRefused
from surveys.forms import QuestionnaireForm
from surveys.selectors.periods import latest_locked_period_answered, period_open_on
from surveys.selectors.privacy import privacy_notice_text
from surveys.selectors.responses import response_stored
from surveys.selectors.unsur import unsur_list
from surveys.services.rate_limit import retry_after_seconds
from surveys.services.submissions import RateLimit, RateLimited, response_submit
from units.models import Unit
from units.selectors.questionnaire import questionnaire_unit

RATE_WINDOW_SECONDS = 3600
# See thanks(): no identifier, only a random value that changes; gone after an hour.
SENT_COOKIE = "skm_terkirim"
SENT_COOKIE_MAX_AGE = 3600


def _public_unit(unit_kode: str) -> tuple[Unit, tuple[str, ...]]:
    """The unit and its service types (units.selectors.questionnaire keeps them a minute), or 404."""
    found = questionnaire_unit(unit_kode)
    if found is None:
        raise Http404("unknown unit")
    return found


@never_cache  # a shared device: Back after sending must not bring the previous respondent's page
@require_http_methods(["GET", "HEAD", "POST"])  # HEAD: link checkers and previews of the poster's address
def questionnaire(request: HttpRequest, unit_kode: str) -> HttpResponse:
    """The form; a post from its script (Accept: application/json, possibly sent long after from
    the device's queue) gets a JSON answer, a plain post a page, with the same rules.
    A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with a 400 page before it is read; one with a
    file (the form has none) is cut at the file (skm_portal.uploads) and refused here with a 413."""
    unit, service_types = _public_unit(unit_kode)
    form_kwargs = {"unsur": unsur_list(), "jenis_layanan": list(service_types)}
    if request.method in ("GET", "HEAD"):
        period = period_open_on()
        if not unit.aktif or period is None:
            return render(request, "surveys/closed.html", {"unit": unit})
        form = QuestionnaireForm(initial={"submission_id": uuid.uuid4(), "dibuka_pada": timezone.now()}, **form_kwargs)
        return _questionnaire_page(request, unit, form)
    answer = JsonAnswer() if "application/json" in request.headers.get("Accept", "") else _PageAnswer(request, unit)
    if upload_refused(request):
        return answer.too_large()
    form = QuestionnaireForm(request.POST, **form_kwargs)
    hashed = client_hash(client_address(request))
    rate_limit = RateLimit(
        key=f"survei:{unit.pk}:{hashed}", capacity=settings.SKM_SUBMISSIONS_PER_HOUR, per_seconds=RATE_WINDOW_SECONDS
    )
    return questionnaire_posted(unit, form, answer, client_hash=hashed, rate_limit=rate_limit)


def questionnaire_posted(unit: Unit, form: QuestionnaireForm, answer: Any, **way_in: Any) -> HttpResponse:
    """What a posted questionnaire gets (the public form's and the kiosk's), as `answer` words it
    (a page or JSON); `way_in`: response_submit's arguments of the way it came (client and rate
    limit, or channel and device)."""
    if not unit.aktif or not form.is_valid():
        # A form sent again (double tap, reload, a retry whose answer got lost) hears the same success,
        # even if the unit closed or its questions changed since it was stored.
        if response_stored(submission_id=form.data.get("submission_id"), unit=unit):
            return answer.stored()
        if not unit.aktif:
            return answer.refused(_("This unit's survey is closed; these answers cannot be sent."), closed=True)
        return answer.invalid(form)
    if form.is_bot():
        return answer.stored()  # let it believe it succeeded; store nothing
    try:
        response_submit(
            unit=unit,
            answers=form.answers(),
            submission_id=form.cleaned_data["submission_id"],
            filled_at=form.cleaned_data["diisi_pada"],
            sent_at=form.cleaned_data["dikirim_pada"],
            opened_at=form.cleaned_data["dibuka_pada"],
            **way_in,
        )
    except RateLimited:
        return answer.rate_limited()
    except PeriodLocked as error:
        return answer.refused(str(error), closed=True)
    except SubmissionRefused as error:
        return answer.refused(str(error))
    return answer.stored()


def _questionnaire_page(request: HttpRequest, unit: Unit, form: QuestionnaireForm) -> HttpResponse:
    return render(
        request,
        "surveys/questionnaire.html",
        {"unit": unit, "form": form, "hash_retention_days": settings.SKM_CLIENT_HASH_RETENTION_DAYS},
    )


def _retry_after() -> str:
    return str(retry_after_seconds(capacity=settings.SKM_SUBMISSIONS_PER_HOUR, per_seconds=RATE_WINDOW_SECONDS))


class _PageAnswer:
    """The outcomes of a plain post (no JavaScript): pages."""

    def __init__(self, request: HttpRequest, unit: Unit):
        self.request, self.unit = request, unit

    def stored(self) -> HttpResponse:
        return redirect("surveys:thanks", unit_kode=self.unit.kode)

    def invalid(self, form: QuestionnaireForm) -> HttpResponse:
        if form.hidden_fields_refused():
            form.renew_submission_id()
        return _questionnaire_page(self.request, self.unit, form)

    def refused(self, message: str, closed: bool = False) -> HttpResponse:
        # A closed survey gets the usual "closed" page; anything else (the filling time) says why.
        return render(self.request, "surveys/closed.html", {"unit": self.unit, "message": "" if closed else message})

    def rate_limited(self) -> HttpResponse:
        response = render(self.request, "surveys/rate_limited.html", {"unit": self.unit}, status=429)
        response["Retry-After"] = _retry_after()
        return response

    def too_large(self) -> HttpResponse:
        return render(self.request, "400.html", status=413)


class JsonAnswer:
    """The outcomes of a post from the page's script, which keeps the form queued until "ok" or
    "refused" (the public questionnaire's and the kiosk's)."""

    def stored(self) -> HttpResponse:
        return JsonResponse({"status": "ok"})

    def invalid(self, form: QuestionnaireForm) -> HttpResponse:
        errors = {field: [str(text) for text in texts] for field, texts in form.errors.items()}
        message = _("These answers are incomplete or not valid and cannot be sent; please fill in the form again.")
        return JsonResponse({"status": "invalid", "message": message, "errors": errors}, status=400)

    def refused(self, message: str, closed: bool = False, status: int = 409) -> HttpResponse:
        return JsonResponse({"status": "refused", "message": message}, status=status)

    def too_large(self) -> HttpResponse:
        message = _("These answers are too large to be sent.")
        return JsonResponse({"status": "refused", "message": message}, status=413)

    def rate_limited(self) -> HttpResponse:
        message = _("Too many questionnaires from this connection in the last hour; they will be sent later.")
        response = JsonResponse({"status": "rate_limited", "message": message}, status=429)
        response["Retry-After"] = _retry_after()
        return response


@never_cache
def thanks(request: HttpRequest, unit_kode: str) -> HttpResponse:
    unit, _service_types = _public_unit(unit_kode)
    response = render(
        request, "surveys/thanks.html", {"unit": unit, "rencana_period": latest_locked_period_answered(unit)}
    )
    # A cookie that changes with every thank-you page: Chrome keeps even no-store pages in its
    # back-forward cache, but drops them when a cookie changed, so Back on a shared device loads
    # a fresh, empty form (also without JavaScript) instead of the previous respondent's answers.
    response.set_cookie(
        SENT_COOKIE,
        secrets.token_urlsafe(8),
        max_age=SENT_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The questionnaire's service worker, served under /survei/ so that its scope covers every
    form; its code is in static files, whose (in production hashed) addresses only Django knows."""
    scripts = ", ".join(json.dumps(static(name)) for name in ("js/survey-queue.js", "js/survey-sw.js"))
    body = (
        f"self.SKM_STATIC_URL = {json.dumps(settings.STATIC_URL)};\n"
        f"self.SKM_TOKEN_URL = {json.dumps(reverse('surveys:token'))};\n"
        f"self.SKM_OFFLINE_URL = {json.dumps(reverse('surveys:offline'))};\n"
        f"importScripts({scripts});\n"
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new version on every visit
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it can neither fetch nor find stored (a form never
    opened on this device, without signal); stored when the worker is installed."""
    return render(request, "surveys/offline.html")


@never_cache
@require_safe
def token(request: HttpRequest) -> HttpResponse:
    """A CSRF token (and its cookie) for the device's queue: a form that waited offline may carry a
    token whose cookie is gone, while its own page now says "closed" or no longer exists."""
    return JsonResponse({"token": get_token(request)})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/privacy.html", {"teks": privacy_notice_text()})
