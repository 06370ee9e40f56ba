"""Two small middlewares Django 5.2 lacks: a Content-Security-Policy header (Django's own
arrives in 6.0) and a request-size bound applied before any middleware reads the body."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


class ContentSecurityPolicyMiddleware:
    """Scripts and styles from this site only: no inline script, no CDN, no framing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class UploadLimitMiddleware:
    """A body longer than the upload bound is refused from its Content-Length, unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PORTAL_MAX_UPLOAD_BYTES + 1024 * 1024  # the form fields around the files
        if length > limit:
            return HttpResponse(f"上传内容超过 {settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限，未被接受。"
                                "请分几次上传，或删去无关的文件。", status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
