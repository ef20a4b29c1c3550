"""The only place that wires the apps together."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import health

# Django tries these patterns in order, so the busiest (booking requests) come first: behind
# the other apps' 60 patterns, finding the view cost a booking request a twentieth of its CPU
# (profiled with benchmarks/booking.py). No two apps' patterns match the same path.
api_v1 = [
    path("", include("bookings.api_urls")),
    path("", include("marketplace.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("listings.api_urls")),
    path("", include("network.api_urls")),
    path("", include("needs.api_urls")),
    path("", include("donations.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("network.api.groups_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("benachrichtigungen/", include("notifications.urls")),
    path("kalender/", include("bookings.feed_urls")),
    path("termine/abmelden/", include("network.urls")),
    # The web pages, last: their paths are German words that no other prefix uses.
    path("", include("web.urls")),
]
# Under /api/ these answer JSON, elsewhere the web pages' templates (marketplace/error_views.py);
# a database outage met outside a view answers 503 (marketplace/outage.py).
handler400 = "marketplace.error_views.bad_request"
handler403 = "marketplace.error_views.permission_denied"
handler404 = "marketplace.error_views.page_not_found"
handler500 = "marketplace.error_views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
