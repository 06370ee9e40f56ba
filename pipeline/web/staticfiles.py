"""The vendored assets (this app's and the admin's) served by the app itself: waitress has no
file server and the portal needs no collectstatic step. Cached for a day."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
         ".png": "image/png", ".gif": "image/gif", ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2"}


@require_GET
def serve(request, name: str):
    if ".." in name.split("/") or name.startswith("/"):
        raise Http404
    found = finders.find(name)
    if not found or not isinstance(found, str):
        raise Http404
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in TYPES:
        raise Http404
    response = FileResponse(open(found, "rb"), content_type=TYPES[suffix])
    response["Cache-Control"] = "max-age=86400"
    return response
