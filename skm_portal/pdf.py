"""HTML to PDF with WeasyPrint, reading only the portal's own static files (no network)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

STATIC_SOURCE = (Path(settings.BASE_DIR) / "static").resolve()


def render_pdf(html: str) -> bytes:
    """The PDF of a rendered template; relative URLs resolve against static/.

    The fetcher serves files below static/ and data: URLs and refuses everything else: a report
    or poster can so never make a network request (the portal runs on closed networks, and in a
    Celery task) nor read any other file of the machine.
    """
    # Imported here: WeasyPrint takes seconds to load, and most processes never make a PDF.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(STATIC_SOURCE) or not path.is_file():
                    raise ValueError(f"refused {url}: PDFs may use only the portal's static files")
            return super().fetch(url, headers)

    return HTML(string=html, base_url=STATIC_SOURCE.as_uri() + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()
