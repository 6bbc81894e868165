"""Uploaded files bounded while they arrive, not after: a view says how large a file it takes
(@upload_limit), and UploadLimitHandler, first in FILE_UPLOAD_HANDLERS, stops the request's body
there. A view without @upload_limit takes no file bytes at all.

The request is refused from its Content-Length before any file byte is read, or, when the length
does not tell, as soon as the file bytes received pass the limit; the rest of the body is never
read (StopUpload with connection_reset). The form fields before the file (the CSRF token, ...) are
kept, so the view can answer on its form: upload_refused(request) says so, refuse_upload_on_form
puts the message on the file field instead of "this field is required"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

LIMIT_ATTRIBUTE = "skm_upload_max_bytes"
REFUSED_ATTRIBUTE = "skm_upload_refused"
# Besides its file, a request carries the form's other fields (at most DATA_UPLOAD_MAX_MEMORY_SIZE)
# and the multipart headers: a Content-Length beyond the file limit plus this cannot be a file within it.
MULTIPART_OVERHEAD_BYTES = 16 * 1024


def upload_limit(max_bytes: int) -> Callable:
    """A view that takes files of at most `max_bytes` in all. It keeps its CSRF protection, which
    now runs in the view (after the limit is set) instead of in the middleware (before it)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            setattr(request, LIMIT_ATTRIBUTE, max_bytes)
            return protected(request, *args, **kwargs)

        return csrf_exempt(limited)

    return decorator


def upload_refused(request: HttpRequest) -> bool:
    """Whether the request's upload was refused as too large (its files are missing)."""
    request.POST  # noqa: B018 - parsing the body is what refuses it
    return bool(getattr(request, REFUSED_ATTRIBUTE, False))


def refuse_upload_on_form(form: forms.Form, field: str, message: str) -> None:
    """Show `message` as the only error of the file `field` of a form bound to a refused upload."""
    form.full_clean()
    form.errors[field] = form.error_class([message])
    if hasattr(form, "cleaned_data"):
        form.cleaned_data.pop(field, None)


class UploadLimitHandler(FileUploadHandler):
    """Refuses the files of a request beyond its view's limit (0 without @upload_limit)."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.received = 0
        self.too_long = False

    @property
    def limit(self) -> int:
        return getattr(self.request, LIMIT_ATTRIBUTE, 0)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        self.too_long = content_length > self.limit + fields + MULTIPART_OVERHEAD_BYTES
        # None: Django parses the body; the refusal comes at the first file (new_file).

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.too_long:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data  # on to Django's handlers, which keep it

    def file_complete(self, file_size: int) -> None:
        return None  # Django's handlers make the file

    def _refuse(self) -> None:
        setattr(self.request, REFUSED_ATTRIBUTE, True)
        raise StopUpload(connection_reset=True)
