"""My notifications (the in-app list, read and unread) and which optional e-mails I receive.

The one-click unsubscribe page belongs to the notifications app
(/benachrichtigungen/abbestellen/<token>/)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings import services as booking_services
from bookings.calendar_feed import feed_url
from bookings.selectors import feed_token_of
from marketplace.errors import DomainError
from notifications import selectors, services
from notifications.rendering import in_app_title

PAGE_SIZE = 30
# Context keys that senders use for the page a notification is about.
LINK_KEYS = ("url", "booking_url", "offer_url", "organisation_url")


def link_of(notification) -> str:
    """The site-relative path the notification points to, or "" (never another site)."""
    for key in LINK_KEYS:
        value = notification.context.get(key)
        if isinstance(value, str) and value.startswith(f"{settings.SITE_URL}/"):
            return value[len(settings.SITE_URL) :]
    return ""


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.in_app_notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    language = request.LANGUAGE_CODE or request.user.language
    items = [
        {
            "notification": notification,
            "title": in_app_title(notification, language),
            "link": link_of(notification),
        }
        for notification in page.object_list
    ]
    return render(
        request,
        "web/notifications/list.html",
        {"page": page, "items": items, "nav": "notifications"},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:notifications")
    return redirect(link_of(notification) or "web:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("Alle Benachrichtigungen sind gelesen."))
    return redirect("web:notifications")


class PreferencesForm(forms.Form):
    """One checkbox per optional kind (selectors.preferences_of)."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for item in preferences:
            self.fields[item["kind"]] = forms.BooleanField(
                label=item["description"],
                help_text=_("Geht an: %(who)s") % {"who": item["recipients"]},
                required=False,
                initial=item["enabled"],
            )


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    preferences = selectors.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, preferences=preferences)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_set(user=request.user, enabled=form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Ihre Einstellungen sind gespeichert."))
            return redirect("web:notification-preferences")
    feed = feed_token_of(request.user)
    return render(
        request,
        "web/notifications/preferences.html",
        {"form": form, "nav": "notifications", "feed_url": feed_url(feed) if feed else ""},
    )


@login_required
@require_POST
def calendar_feed_regenerate(request: HttpRequest) -> HttpResponse:
    """Make the private calendar address, or replace it (the old one stops working)."""
    had_one = feed_token_of(request.user) is not None
    booking_services.calendar_feed_token_regenerate(user=request.user)
    if had_one:
        messages.success(
            request, _("Ihre Kalender-Adresse ist neu. Die alte Adresse funktioniert nicht mehr.")
        )
    else:
        messages.success(request, _("Ihre Kalender-Adresse ist bereit."))
    return redirect("web:notification-preferences")
