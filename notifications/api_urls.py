"""/api/v1/notifications/ routes (wired in marketplace/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        api.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        api.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/<id:pk>/read/",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
]
