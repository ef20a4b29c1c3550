"""Uploaded files (organisation logos, equipment photos) for the pages.

In the embedded run Django's debug view serves them; in production nothing else does, so this
view serves the two folders the pages link to, read-only, with the path checked by Django's
static view (no way out of MEDIA_ROOT). A reverse proxy may serve MEDIA_ROOT itself instead.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
def uploaded_file(request: HttpRequest, path: str) -> HttpResponse:
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
