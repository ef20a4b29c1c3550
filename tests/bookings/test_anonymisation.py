"""A job candidate's data goes from every copy once the retention period has passed.

Given a candidate referred through the API (with an Idempotency-Key), rejected with a message
naming them, and a thread that speaks of them, with every e-mail sent and read in the app,
when the retention period has passed and the anonymisation runs, then no table of the database
(every column, on SQLite and PostgreSQL) holds the candidate's name or phone number; and the
coordinator never sees them, in the admin either, before or after.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from marketplace.anonymisation import registered_erasers
from notifications.models import Notification
from tests.support.database_search import table_count, where_is

from .support import in_days, job_of

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "Hannah Testkandidatin"
PHONE = "0170 1234567"
TRACES = (NAME, "Testkandidatin", PHONE, "1234567")


def _post(client, path, body, **headers):
    response = client.post(path, body, format="json", **headers)
    assert response.status_code in (200, 201), response.content
    return response.json()


def _referral_with_a_history(world, client_for, capture) -> Booking:
    job = job_of(world, title="Verkäufer*in im Kiezladen")
    social, company = client_for(world.social_member), client_for(world.company_member)
    with capture(execute=True):
        created = _post(
            social,
            "/api/v1/bookings/",
            {
                "kind": "job",
                "job": job.pk,
                "candidate_name": NAME,
                "candidate_contact": PHONE,
                "note": "Hannah hat bei uns im Café ausgeholfen.",
                "consent": True,
                "consent_date": str(in_days(-2)),
            },
            HTTP_IDEMPOTENCY_KEY="referral-1",
        )
    url = f"/api/v1/bookings/{created['id']}/"
    with capture(execute=True):
        _post(
            company,
            url + "reject/",
            {"message": f"Leider nein. {NAME} erreichen Sie unter {PHONE}."},
        )
    with capture(execute=True):
        _post(social, url + "messages/", {"body": "Frau Testkandidatin ist enttäuscht."})
    with capture(execute=True):
        _post(company, url + "messages/", {"body": f"Bitte {PHONE} nicht weitergeben."})
    # Everybody read it in the app too.
    for person in (world.social_member, world.company_member, world.social_admin):
        client_for(person).post("/api/v1/notifications/read-all/", {}, format="json")
    return Booking.objects.get(pk=created["id"])


def test_after_the_retention_period_no_table_holds_the_candidate(
    world, client_for, django_capture_on_commit_callbacks
):
    referral = _referral_with_a_history(world, client_for, django_capture_on_commit_callbacks)
    assert mail.outbox
    # The copies are there: the referral, its thread, the outbox, the stored API answer.
    before = set(where_is("Testkandidatin"))
    assert {
        "bookings_booking.candidate_name",
        "bookings_bookingmessage.body",
        "bookings_bookingevent.message",
        "notifications_notification.context",
        "bookings_idempotencykey.response_body",
    } <= before, before
    assert Notification.objects.filter(event_key__startswith=f"booking:{referral.pk}:").exists()

    # When the retention period has passed
    later = timezone.now() + dt.timedelta(days=7 * 31)
    assert services.referral_anonymise_expired(now=later) == 1

    # Then no column of any table holds the name or the number
    assert table_count() > 20
    for trace in TRACES:
        assert where_is(trace) == [], trace
    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    assert referral.state == "rejected"  # the referral stays for the statistics
    # The outbox rows stay (what was sent when), without the candidate
    kept = Notification.objects.filter(event_key__startswith=f"booking:{referral.pk}:")
    assert kept.count() >= 3
    assert services.referral_anonymise_expired(now=later) == 0


def test_every_app_that_keeps_copies_has_registered_its_eraser():
    assert {
        "bookings.referrals",
        "notifications.outbox",
        "notifications.mail_files",
        "marketplace.idempotency",
    } <= set(registered_erasers())


def test_the_coordinator_never_sees_the_candidate_in_the_admin(
    world, client, client_for, django_capture_on_commit_callbacks
):
    referral = _referral_with_a_history(world, client_for, django_capture_on_commit_callbacks)
    client.force_login(world.coordinator)

    pages = [
        f"/admin/bookings/booking/{referral.pk}/change/",
        "/admin/bookings/booking/",
        "/admin/notifications/notification/",
        *(
            f"/admin/notifications/notification/{pk}/change/"
            for pk in Notification.objects.values_list("pk", flat=True)
        ),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        for trace in TRACES:
            assert trace not in text, (page, trace)


def test_the_e_mail_files_of_the_embedded_run_lose_the_candidate(
    world, client_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.EMAIL_BACKEND = "notifications.mail_backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    referral = _referral_with_a_history(world, client_for, django_capture_on_commit_callbacks)
    files = list(tmp_path.glob("*.eml"))
    assert files
    mentioning = [path for path in files if b"Testkandidatin" in path.read_bytes()]
    assert mentioning  # the rejection names the candidate

    services.referral_anonymise_expired(now=timezone.now() + dt.timedelta(days=7 * 31))

    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    for path in tmp_path.glob("*.eml"):
        raw = path.read_bytes()
        assert b"Testkandidatin" not in raw and b"1234567" not in raw, path.name
