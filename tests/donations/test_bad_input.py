"""Bad input to every donation endpoint gets a clear 400 (or 404 for what does not exist) and
changes nothing: no donation, no receipt, no number taken, no e-mail queued."""

import pytest

from donations.models import Donation, DonationState, Receipt, ReceiptCounter
from notifications.models import Notification

from .support import confirm, days_ago, receipt_of, record_money

pytestmark = pytest.mark.django_db


def _money(world, **changes) -> dict:
    data = {
        "kind": "money",
        "recipient": world.social.pk,
        "amount": "100.00",
        "donated_on": str(days_ago(1)),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def _goods(world, **changes) -> dict:
    data = {
        "kind": "goods",
        "recipient": world.social.pk,
        "amount": "100.00",
        "donated_on": str(days_ago(1)),
        "description": "Ein Beamer",
        "origin": "private",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


def _nothing_written():
    assert Donation.objects.count() == 0
    assert Notification.objects.count() == 0


BAD_RECORDS = {
    "kind missing": lambda w: _money(w, kind=...),
    "unknown kind": lambda w: _money(w, kind="time"),
    "recipient missing": lambda w: _money(w, recipient=...),
    "recipient as text": lambda w: _money(w, recipient="abc"),
    "recipient huge": lambda w: _money(w, recipient=2**70),
    "recipient is a company": lambda w: _money(w, recipient=w.company.pk),
    "amount missing": lambda w: _money(w, amount=...),
    "amount zero": lambda w: _money(w, amount="0.00"),
    "amount negative": lambda w: _money(w, amount="-5"),
    "amount with three decimals": lambda w: _money(w, amount="10.005"),
    "amount huge": lambda w: _money(w, amount="1" + "0" * 30),
    "amount above ten million": lambda w: _money(w, amount="10000000.00"),
    "amount boolean": lambda w: _money(w, amount=True),
    "amount NaN": lambda w: _money(w, amount="NaN"),
    "amount Infinity": lambda w: _money(w, amount="Infinity"),
    "amount list": lambda w: _money(w, amount=[1]),
    "date missing": lambda w: _money(w, donated_on=...),
    "date in the future": lambda w: _money(w, donated_on=str(days_ago(-1))),
    "date nonsense": lambda w: _money(w, donated_on="gestern"),
    "date ancient": lambda w: _money(w, donated_on="1999-12-31"),
    "waiver as text": lambda w: _money(w, waiver="yes"),
    "waiver as number": lambda w: _money(w, waiver=1),
    "money kind unknown": lambda w: _money(w, money_kind="gift"),
    "purpose with NUL": lambda w: _money(w, purpose="Jugend\x00arbeit"),
    "purpose too long": lambda w: _money(w, purpose="x" * 501),
    "purpose as number": lambda w: _money(w, purpose=12),
    "unknown field": lambda w: _money(w, colour="blue"),
    "goods field on money": lambda w: _money(w, description="Ein Beamer"),
    "money field on goods": lambda w: _goods(w, waiver=True),
    "goods without description": lambda w: _goods(w, description=...),
    "goods with empty description": lambda w: _goods(w, description="   "),
    "goods description too long": lambda w: _goods(w, description="x" * 1001),
    "goods description NUL": lambda w: _goods(w, description="\x00"),
    "goods without origin": lambda w: _goods(w, origin=...),
    "goods origin unknown": lambda w: _goods(w, origin="stolen"),
    "goods purchase price negative": lambda w: _goods(w, purchase_price="-1.00"),
    "goods documents as text": lambda w: _goods(w, valuation_documents="ja"),
    "company names another donor": lambda w: _money(w, donor_name="Jemand Anders"),
    "company sets a donor e-mail": lambda w: _money(w, donor_email="a@example.org"),
    "donor e-mail invalid": lambda w: _money(w, donor_email="keine-adresse"),
    "donor address NUL": lambda w: _money(w, donor_address="Straße\x00 1"),
}


@pytest.mark.parametrize("case", BAD_RECORDS)
def test_recording_refuses_bad_input_and_writes_nothing(world, client_for, case):
    response = client_for(world.company_member).post(
        "/api/v1/donations/", BAD_RECORDS[case](world), format="json"
    )

    assert response.status_code == 400, (case, response.content)
    body = response.json()
    assert body and isinstance(body, dict)
    _nothing_written()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"kind": "money", "amount": ', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"money"', "application/json"),
        ("null", "application/json"),
        ("\x00\x01\x02", "application/json"),
    ],
)
def test_malformed_json_is_a_400(world, client_for, body, content_type):
    response = client_for(world.company_member).post(
        "/api/v1/donations/", body, content_type=content_type
    )

    assert response.status_code == 400, response.content
    assert "detail" in response.json() or "kind" in response.json()
    _nothing_written()


def test_a_recipient_that_does_not_exist_is_a_404(world, client_for):
    response = client_for(world.company_member).post(
        "/api/v1/donations/", _money(world, recipient=999_999), format="json"
    )

    assert response.status_code == 404
    _nothing_written()


def test_the_coordinator_must_name_a_private_donor(world, client_for):
    coordinator = client_for(world.coordinator)

    nameless = coordinator.post("/api/v1/donations/", _money(world), format="json")
    homeless = coordinator.post(
        "/api/v1/donations/", _money(world, donor_name="Erika Mustermann"), format="json"
    )

    assert nameless.status_code == 400 and "donor_name" in nameless.json()
    assert homeless.status_code == 400 and "donor_address" in homeless.json()
    _nothing_written()


@pytest.mark.parametrize(
    "data",
    [
        {"issue_receipt": "yes"},
        {"issue_receipt": 1},
        {"message": "x" * 2001},
        {"message": "a\x00b"},
        {"colour": "blue"},
    ],
)
def test_confirming_with_bad_input_changes_nothing(world, client_for, data):
    donation = record_money(world)
    before = Notification.objects.count()

    response = client_for(world.social_member).post(
        f"/api/v1/donations/{donation.pk}/confirm/", data, format="json"
    )

    assert response.status_code == 400, response.content
    donation.refresh_from_db()
    assert donation.state == DonationState.RECORDED
    assert Receipt.objects.count() == 0 and ReceiptCounter.objects.count() == 0
    assert Notification.objects.count() == before


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": 5}, {"reason": "\x00"}])
def test_rejecting_needs_a_reason(world, client_for, data):
    donation = record_money(world)

    response = client_for(world.social_member).post(
        f"/api/v1/donations/{donation.pk}/reject/", data, format="json"
    )

    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.state == DonationState.RECORDED


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "Fehler", "corrections": {"amount": "-3"}},
        {"reason": "Fehler", "corrections": {"amount": "1e40"}},
        {"reason": "Fehler", "corrections": {"donated_on": "2999-01-01"}},
        {"reason": "Fehler", "corrections": {"colour": "blue"}},
        {"reason": "Fehler", "corrections": {"description": "Ein Beamer"}},
        {"reason": "Fehler", "corrections": {"donor_name": "Jemand Anders"}},
        {"reason": "Fehler", "corrections": {"donor_address": ""}},
        {"reason": "Fehler", "corrections": "alles"},
        {"reason": "Fehler", "extra": 1},
    ],
)
def test_a_reissue_with_bad_input_changes_nothing(world, client_for, data):
    donation = confirm(world, record_money(world))
    receipt = receipt_of(donation)

    response = client_for(world.social_admin).post(
        f"/api/v1/donations/receipts/{receipt.pk}/reissue/", data, format="json"
    )

    assert response.status_code == 400, response.content
    receipt.refresh_from_db()
    assert receipt.cancelled_at is None and Receipt.objects.count() == 1
    assert receipt_of(donation) == receipt
    donation.refresh_from_db()
    assert str(donation.amount) == "1322.00"


@pytest.mark.parametrize(
    "data",
    [
        {"year": 1999, "donor_organisation": 1},
        {"year": "letztes", "donor_organisation": 1},
        {"year": 2025},
        {"year": 2025, "donor_organisation": 1, "donor_key": "org:1"},
        {"year": 2025, "donor_key": "x" * 81},
        {"year": 2025, "donor_organisation": "eins"},
        {"year": 2025, "donor_key": "org:1", "colour": "blue"},
        {"year": days_ago(0).year + 1, "donor_key": "org:1"},
    ],
)
def test_a_collective_receipt_with_bad_input_is_a_400(world, client_for, data):
    response = client_for(world.social_admin).post(
        "/api/v1/donations/collective-receipts/", data, format="json"
    )

    assert response.status_code == 400, response.content
    assert Receipt.objects.count() == 0


def test_ids_out_of_range_in_paths_are_404_not_500(world, client_for):
    client = client_for(world.social_admin)

    for url in (
        f"/api/v1/donations/{2**70}/",
        f"/api/v1/donations/{2**70}/receipt.pdf",
        f"/api/v1/donations/receipts/{2**70}/",
        f"/api/v1/donations/receipts/{2**70}.pdf",
        f"/api/v1/donations/participation/{2**70}.pdf",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=1", "?organisation=x", "?colour=blue", "?year=99999999999"]
)
def test_the_due_list_refuses_bad_queries(world, client_for, query):
    response = client_for(world.social_admin).get(
        "/api/v1/donations/collective-receipts/due/" + query
    )

    assert response.status_code == 400, response.content
