"""/kalender/: the private calendar feeds (no login; the token in the URL is the key)."""

from django.urls import path

from .calendar_feed import calendar_feed

urlpatterns = [path("<str:token>.ics", calendar_feed, name="calendar-feed-ics")]
