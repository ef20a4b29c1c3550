"""Who sees and changes what: 404 for what one may not see (other organisations' drafts and
proposals), 403 for what one sees but may not change, 409 for what the state does not allow.
Each refusal changes nothing."""

import pytest

from bookings.models import Booking
from listings.models import Equipment
from needs import services
from needs.models import Need, Proposal
from tests.listings.factories import EquipmentFactory

from .support import category, in_days, need_of

pytestmark = pytest.mark.django_db


def test_a_draft_is_seen_only_by_its_organisation(world, client_for):
    draft = need_of(world, publish=False)
    for person in (world.lender_member, world.outsider):
        client = client_for(person)
        assert client.get(f"/api/v1/needs/{draft.pk}/").status_code == 404
        assert client.get(f"/api/v1/needs/{draft.pk}/proposals/").status_code == 404
        assert client.post(f"/api/v1/needs/{draft.pk}/publish/", {}).status_code == 404
        assert draft.pk not in [n["id"] for n in client.get("/api/v1/needs/").json()["results"]]
    assert client_for(world.school_admin).get(f"/api/v1/needs/{draft.pk}/").status_code == 200
    assert client_for(world.coordinator).get(f"/api/v1/needs/{draft.pk}/").status_code == 200
    assert client_for(None).get("/api/v1/needs/").status_code == 401
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_published_need_is_changed_only_by_its_organisation(world, client_for):
    need = need_of(world)
    company = client_for(world.lender_member)
    assert company.get(f"/api/v1/needs/{need.pk}/").status_code == 200
    assert company.patch(f"/api/v1/needs/{need.pk}/", {"title": "Meins"}).status_code == 403
    assert company.post(f"/api/v1/needs/{need.pk}/close/", {}).status_code == 403
    assert client_for(world.coordinator).post(f"/api/v1/needs/{need.pk}/fulfil/").status_code == 403
    need.refresh_from_db()
    assert (need.title, need.status) == ("Beamer für unser Sommerfest", "published")


def test_moves_the_state_does_not_allow_are_409(world, client_for):
    need = need_of(world)
    school = client_for(world.teacher)
    assert school.post(f"/api/v1/needs/{need.pk}/publish/", {}).status_code == 409
    assert school.post(f"/api/v1/needs/{need.pk}/close/", {}).status_code == 200
    assert school.post(f"/api/v1/needs/{need.pk}/fulfil/", {}).status_code == 409
    assert school.patch(f"/api/v1/needs/{need.pk}/", {"title": "Neu"}).status_code == 409
    proposal = client_for(world.lender_member).post(
        f"/api/v1/needs/{need.pk}/proposals/", {"message": "Wir helfen."}, format="json"
    )
    assert proposal.status_code == 409, proposal.content
    assert Proposal.objects.count() == 0


def test_proposals_only_from_approved_companies_and_not_twice(world, client_for):
    need = need_of(world)
    url = f"/api/v1/needs/{need.pk}/proposals/"
    body = {"message": "Wir helfen gern."}
    assert client_for(world.school_admin).post(url, body, format="json").status_code == 400
    assert client_for(world.outsider).post(url, body, format="json").status_code == 400
    assert client_for(world.lender_member).post(url, body, format="json").status_code == 201
    again = client_for(world.lender_admin).post(url, body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_proposed"
    world.helper.status = "suspended"
    world.helper.save(update_fields=["status"])
    assert client_for(world.helper_member).post(url, body, format="json").status_code == 409
    assert Proposal.objects.count() == 1


def test_only_the_need_s_organisation_answers_and_only_the_company_withdraws(world, client_for):
    need = need_of(world)
    proposal = services.proposal_create(need=need, by=world.lender_member, message="Hallo")
    base = f"/api/v1/needs/{need.pk}/proposals/{proposal.pk}"
    assert client_for(world.lender_member).post(f"{base}/accept/", {}).status_code == 403
    assert client_for(world.helper_member).post(f"{base}/accept/", {}).status_code == 404
    assert client_for(world.outsider).post(f"{base}/decline/", {}).status_code == 404
    assert client_for(world.teacher).post(f"{base}/withdraw/", {}).status_code == 403
    assert client_for(world.helper_member).get(f"{base}/../").status_code in (404, 405)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert client_for(world.lender_member).post(f"{base}/withdraw/", {}).status_code == 200
    assert client_for(world.teacher).post(f"{base}/accept/", {}).status_code == 409


def test_an_accept_without_room_changes_nothing(world, client_for):
    need = need_of(world)
    item = EquipmentFactory(organisation=world.lender, quantity=1, category=category())
    day = need.date_from
    first = services.proposal_create(
        need=need,
        by=world.lender_member,
        message="Unser Beamer",
        item=item.pk,
        units=1,
        pickup_on=day,
        return_on=day,
    )
    other_need = need_of(world, title="Beamer für den Elternabend")
    second = services.proposal_create(
        need=other_need,
        by=world.lender_member,
        message="Unser Beamer",
        item=item.pk,
        units=1,
        pickup_on=day,
        return_on=day,
    )
    school = client_for(world.teacher)
    ok = school.post(f"/api/v1/needs/{need.pk}/proposals/{first.pk}/accept/", {})
    assert ok.status_code == 200, ok.content

    refused = school.post(f"/api/v1/needs/{other_need.pk}/proposals/{second.pk}/accept/", {})

    assert refused.status_code == 409, refused.content
    assert "nicht mehr gebucht" in refused.json()["detail"]
    second.refresh_from_db()
    assert (second.status, second.booking_id) == ("proposed", None)
    assert Booking.objects.count() == 1
    assert Equipment.objects.get(pk=item.pk).quantity == 1


def test_fulfilling_declines_the_open_proposals_politely(world, client_for, send):
    from django.core import mail

    need = need_of(world)
    services.proposal_create(need=need, by=world.lender_member, message="Hallo")
    services.proposal_create(need=need, by=world.helper_member, message="Wir auch")
    mail.outbox.clear()

    response = send(client_for(world.teacher), "post", f"/api/v1/needs/{need.pk}/fulfil/", {})

    assert response.status_code == 200
    assert set(Proposal.objects.values_list("status", flat=True)) == {"declined"}
    told = {address for message in mail.outbox for address in message.to}
    assert {world.lender_member.email, world.helper_member.email} <= told
    assert all("Hilfe gefunden" in m.body for m in mail.outbox)


def test_a_need_expires_after_its_day(world):
    need = need_of(world, date_from=in_days(2))
    Need.objects.filter(pk=need.pk).update(date_from=in_days(-1), open_until=in_days(-1))

    assert services.needs_expire() == 1

    need.refresh_from_db()
    assert need.status == "expired"
    assert services.needs_expire() == 0
