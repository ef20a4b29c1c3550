"""My notifications and which optional e-mails I receive."""

import pytest
from django.test import Client

from bookings.models import BookingState
from notifications.kinds import optional_kinds
from notifications.models import Notification, NotificationOptOut
from tests.bookings.support import booking_in_state, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def notified(world, django_capture_on_commit_callbacks):
    """The company's member has a notification about a new request."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_in_state(world, "volunteer", BookingState.REQUESTED)
    return booking, Notification.objects.get(recipient=world.company_member)


def test_the_list_shows_unread_notifications_with_a_count_in_the_menu(signed_in, world, notified):
    booking, _notification = notified

    html = signed_in(world.company_member).get("/benachrichtigungen/").content.decode()

    assert booking.listing.title in html
    assert "notification--unread" in html
    assert '<span class="count">1' in html


def test_opening_marks_read_and_goes_to_the_booking(signed_in, world, notified):
    booking, notification = notified

    response = signed_in(world.company_member).post(
        f"/benachrichtigungen/{notification.pk}/oeffnen/"
    )

    assert response.status_code == 302
    assert response["Location"] == f"/buchungen/{booking.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_others_cannot_open_my_notification(signed_in, world, notified):
    _booking, notification = notified

    signed_in(world.outsider).post(f"/benachrichtigungen/{notification.pk}/oeffnen/")

    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(signed_in, world, notified):
    signed_in(world.company_member).post("/benachrichtigungen/alle-gelesen/")

    assert not Notification.objects.filter(
        recipient=world.company_member, read_at__isnull=True
    ).exists()


def test_switching_an_optional_kind_off_and_on(signed_in, world):
    kind = optional_kinds()[0].name
    client = signed_in(world.social_member)
    page = client.get("/benachrichtigungen/einstellungen/")
    assert page.status_code == 200
    on = {item.name: "on" for item in optional_kinds()}

    client.post("/benachrichtigungen/einstellungen/", {k: v for k, v in on.items() if k != kind})
    assert NotificationOptOut.objects.filter(user=world.social_member, kind=kind).exists()

    client.post("/benachrichtigungen/einstellungen/", on)
    assert not NotificationOptOut.objects.filter(user=world.social_member).exists()


def test_notification_pages_need_sign_in():
    assert Client().get("/benachrichtigungen/").status_code == 302
    assert Client().get("/benachrichtigungen/einstellungen/").status_code == 302


def test_the_unsubscribe_page_of_the_notifications_app_still_answers():
    assert Client().get("/benachrichtigungen/abbestellen/forged/").status_code == 404
