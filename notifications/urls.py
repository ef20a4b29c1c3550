"""Web pages of the notifications app, under /benachrichtigungen/ (wired in marketplace/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("abbestellen/<str:token>/", views.unsubscribe, name="notification-unsubscribe"),
]
