"""Pages of the network app outside web/: the one-click cancel link of the e-mails (wired in
marketplace/urls.py under /termine/abmelden/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:token>/", views.registration_cancel, name="event-registration-cancel-link"),
]
