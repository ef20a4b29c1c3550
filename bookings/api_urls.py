"""/api/v1/ routes of bookings (wired in marketplace/urls.py)."""

from django.urls import path

from . import calendar_feed
from .api import urlpatterns as booking_urlpatterns
from .group_api import urlpatterns as group_urlpatterns
from .waitlist_api import urlpatterns as waitlist_urlpatterns

urlpatterns = [
    *booking_urlpatterns,
    *waitlist_urlpatterns,
    *group_urlpatterns,
    path("calendar-feed/", calendar_feed.CalendarFeedView.as_view(), name="calendar-feed"),
    path(
        "calendar-feed/regenerate/",
        calendar_feed.CalendarFeedRegenerateView.as_view(),
        name="calendar-feed-regenerate",
    ),
]
