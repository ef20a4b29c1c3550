"""A company posts job offers; they close themselves at the deadline or when filled."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from listings import capacity, tasks
from listings.models import ClosedReason, JobOffer, ListingStatus
from tests.listings.factories import JobOfferFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/jobs/"


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def new_job(category_, **overrides):
    return {
        "title": "Auszubildende*r Mediengestalter*in",
        "description": "Drei Jahre Ausbildung in unserer Druckerei am Wassertorplatz.",
        "category": category_.slug,
        "employment_type": "ausbildung",
        "hours_per_week": "39.0",
        "start_date": str(day(60)),
        "place": "Berlin-Kreuzberg",
        "positions": 2,
        "application_deadline": str(day(30)),
        "requirements": "Mittlerer Schulabschluss, Freude an Gestaltung.",
        "contact_name": "Frau Yılmaz",
        "contact_email": "ausbildung@kiezdruckerei.example",
        "contact_phone": "030 123456",
        **overrides,
    }


def test_a_member_posts_and_publishes_a_job(client_for, member, category, social_member):
    created = client_for(member).post(URL, new_job(category), format="json")
    assert created.status_code == 201, created.json()
    job_id = created.json()["id"]
    assert created.json()["positions_free"] == 2

    published = client_for(member).post(f"{URL}{job_id}/publish/")

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    found = client_for(social_member).get("/api/v1/listings/", {"kind": "job"}).json()
    assert [(r["id"], r["visible_until"], r["next_date"]) for r in found["results"]] == [
        (job_id, str(day(30)), str(day(60)))
    ]


@pytest.mark.parametrize("employment_type", ["Vollzeit", "freelance", "", None, 3])
def test_only_the_six_employment_types_are_accepted(client_for, member, category, employment_type):
    response = client_for(member).post(
        URL, new_job(category, employment_type=employment_type), format="json"
    )
    assert response.status_code == 400
    assert "employment_type" in response.json()
    assert not JobOffer.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"application_deadline": str(day(-1))}, "application_deadline"),
        ({"hours_per_week": "0"}, "hours_per_week"),
        ({"hours_per_week": "61"}, "hours_per_week"),
        ({"positions": 0}, "positions"),
        ({"positions": 10**12}, "positions"),
        ({"contact_email": "kein-mail"}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
        ({"positions_filled": 1}, "positions_filled"),
    ],
)
def test_invalid_jobs_are_refused(client_for, member, category, overrides, field):
    response = client_for(member).post(URL, new_job(category, **overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not JobOffer.objects.exists()


def test_editing_a_job_and_its_positions(client_for, member, company):
    job = JobOfferFactory(organisation=company, positions=3, positions_filled=2)
    client = client_for(member)

    too_few = client.patch(f"{URL}{job.pk}/", {"positions": 1}, format="json")
    filled = client.patch(
        f"{URL}{job.pk}/", {"positions": 2, "hours_per_week": "30"}, format="json"
    )

    assert too_few.status_code == 409
    assert "2 Stellen besetzt" in too_few.json()["detail"]
    assert filled.status_code == 200, filled.json()
    assert filled.json()["status"] == "closed"
    assert filled.json()["closed_reason"] == "filled"
    assert filled.json()["hours_per_week"] == "30.0"

    reopened = client.patch(f"{URL}{job.pk}/", {"positions": 4}, format="json")
    assert reopened.json()["status"] == "published"
    assert reopened.json()["positions_free"] == 2


def test_a_job_closes_itself_when_filled_and_reopens_when_a_hire_falls_through(
    client_for, member, company
):
    job = JobOfferFactory(organisation=company, positions=1)

    with transaction.atomic():
        capacity.job_fill_position(job_id=job.pk)
    assert client_for(member).get(f"{URL}{job.pk}/").json()["status"] == "closed"
    with transaction.atomic():
        capacity.job_release_position(job_id=job.pk)
    assert client_for(member).get(f"{URL}{job.pk}/").json()["status"] == "published"


def test_the_beat_task_closes_jobs_whose_deadline_has_passed(client_for, social_member):
    expired = JobOfferFactory(application_deadline=day(-1))
    paused = JobOfferFactory(application_deadline=day(-3), status=ListingStatus.PAUSED)
    today = JobOfferFactory(application_deadline=day(0))
    draft = JobOfferFactory(application_deadline=day(-1), status=ListingStatus.DRAFT)

    closed = tasks.close_expired_job_offers.delay().get()

    assert closed == 2
    statuses = {
        job.pk: (job.status, job.closed_reason)
        for job in JobOffer.objects.filter(pk__in=[expired.pk, paused.pk, today.pk, draft.pk])
    }
    assert statuses == {
        expired.pk: (ListingStatus.CLOSED, ClosedReason.DEADLINE),
        paused.pk: (ListingStatus.CLOSED, ClosedReason.DEADLINE),
        today.pk: (ListingStatus.PUBLISHED, ""),
        draft.pk: (ListingStatus.DRAFT, ""),
    }
    assert expired.status_changes.get().reason == "Bewerbungsfrist abgelaufen."
    found = client_for(social_member).get("/api/v1/listings/").json()["results"]
    assert [row["id"] for row in found] == [today.pk]


def test_the_closing_task_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE["listings-close-expired-jobs"]
    assert schedule["task"] == "listings.tasks.close_expired_job_offers"
    assert schedule["schedule"] <= 3600


def test_a_job_past_its_deadline_leaves_the_search_before_the_task_runs(client_for, social_member):
    JobOfferFactory(application_deadline=day(-1))
    found = client_for(social_member).get("/api/v1/listings/", {"kind": "job"}).json()
    assert found["results"] == []


def test_a_closed_job_can_be_published_again_only_with_a_new_deadline(client_for, member, company):
    job = JobOfferFactory(organisation=company, application_deadline=day(-1))
    tasks.close_expired_job_offers()
    client = client_for(member)

    refused = client.post(f"{URL}{job.pk}/publish/")
    client.patch(f"{URL}{job.pk}/", {"application_deadline": str(day(10))}, format="json")
    published = client.post(f"{URL}{job.pk}/publish/")

    assert refused.status_code == 400
    assert "Bewerbungsfrist" in refused.json()["detail"]
    assert published.status_code == 200
    assert published.json()["status"] == "published"
