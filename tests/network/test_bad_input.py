"""Bad input on every endpoint of /api/v1/events/: a clear 4xx with a message, and nothing
changes; a move the state does not allow is a 409. Lists answer in a constant number of
queries."""

import pytest

from network.models import Event, EventSeries, Registration, Station

from .support import CoordinatorFactory, in_days, person_in_new_organisation, published_event

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Event.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(Station.objects.order_by("pk").values()),
        EventSeries.objects.count(),
    )


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


GOOD = {
    "kind": "lunch",
    "title": "Kieznetzwerk Lunch",
    "starts_at": in_days(5, 12).isoformat(),
    "ends_at": in_days(5, 13).isoformat(),
    "hosted_by_network": True,
}


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {**GOOD, "kind": "party"},
        {**GOOD, "title": ""},
        {**GOOD, "title": "x" * 201},
        {**GOOD, "title": "Zeile\nzwei"},
        {**GOOD, "ends_at": in_days(5, 11).isoformat()},
        {**GOOD, "starts_at": in_days(-2, 12).isoformat(), "ends_at": in_days(-2, 13).isoformat()},
        {**GOOD, "starts_at": "morgen"},
        {**GOOD, "capacity": 0},
        {**GOOD, "capacity": "viele"},
        {**GOOD, "capacity": 10001},
        {**GOOD, "online": "yes"},
        {**GOOD, "online": True},
        {**GOOD, "visibility": "group"},
        {**GOOD, "group": 999999},
        {**GOOD, "hosts": [999999]},
        {**GOOD, "hosts": "1"},
        {**GOOD, "hosted_by_network": False},
        {**GOOD, "registration_deadline": in_days(6).isoformat()},
        {**GOOD, "unknown": 1},
        {k: v for k, v in GOOD.items() if k != "title"},
    ],
)
def test_creating_an_event_with_bad_input_is_a_400_and_creates_nothing(
    client_for, coordinator, body
):
    before = _snapshot()
    response = client_for(coordinator).post("/api/v1/events/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()
    assert _snapshot() == before


def test_a_member_cannot_host_for_the_network_or_for_someone_elses_organisation(client_for):
    member, _organisation = person_in_new_organisation()
    _other, other_org = person_in_new_organisation()
    client = client_for(member)
    before = _snapshot()
    assert client.post("/api/v1/events/", GOOD, format="json").status_code == 403
    body = {**GOOD, "hosted_by_network": False, "hosts": [other_org.pk]}
    assert client.post("/api/v1/events/", body, format="json").status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("patch", "", {"ends_at": in_days(10, 17).isoformat()}),
        ("patch", "", {"capacity": 1}),  # fewer than are taken: 409 below, 400 here is the type
        ("patch", "", {}),
        ("patch", "", {"place": 5}),
        ("post", "publish/", {"extra": 1}),
        ("post", "cancel/", {"reason": 5}),
        ("post", "close/", {"now": "later"}),
        ("post", "registrations/", {"companions": -1}),
        ("post", "registrations/", {"companions": 21}),
        ("post", "registrations/", {"companions": "zwei"}),
        ("post", "registrations/", {"note": "x" * 501}),
        ("post", "registrations/", {"organisation": "abc"}),
        ("post", "registrations/", {"station": 0}),
        ("post", "registrations/", ["list"]),
        ("put", "attendance/", {}),
        ("put", "attendance/", {"registrations": [{"registration": 1}]}),
        ("put", "attendance/", {"organisations": [{"organisation": 1, "count": -1}]}),
        ("post", "stations/", {"title": "Werkstatt"}),
        ("post", "stations/", {"title": "", "host": 1}),
    ],
)
def test_bad_input_on_an_events_endpoints_is_a_4xx_and_changes_nothing(
    client_for, coordinator, method, suffix, body
):
    event = published_event(capacity=5)
    member, organisation = person_in_new_organisation()
    Registration.objects.create(
        event=event, person=member, organisation=organisation, state="registered", companions=1
    )
    Event.objects.filter(pk=event.pk).update(seats_taken=2)
    before = _snapshot()
    response = getattr(client_for(coordinator), method)(
        f"/api/v1/events/{event.pk}/{suffix}", body, format="json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert response.status_code != 404
    assert response.json()
    assert _snapshot() == before


def test_wrong_state_is_a_409_and_changes_nothing(client_for, coordinator):
    event = published_event(capacity=5)
    member, organisation = person_in_new_organisation()
    registration = Registration.objects.create(
        event=event, person=member, organisation=organisation, state="registered", companions=1
    )
    Event.objects.filter(pk=event.pk).update(seats_taken=2)
    boss, person = client_for(coordinator), client_for(member)
    url = f"/api/v1/events/{event.pk}/"
    before = _snapshot()
    assert boss.post(f"{url}publish/", {}, format="json").status_code == 409  # already
    assert boss.post(f"{url}close/", {}, format="json").status_code == 409  # not begun
    assert boss.patch(url, {"capacity": 1}, format="json").status_code == 409  # 2 taken
    again = person.post(f"{url}registrations/", {}, format="json")
    assert again.status_code == 409  # already registered
    assert again.json()["code"] == "conflict"
    assert _snapshot() == before

    assert boss.post(f"{url}cancel/", {"reason": "Krank"}, format="json").status_code == 200
    before = _snapshot()
    assert boss.post(f"{url}cancel/", {}, format="json").status_code == 409
    assert boss.post(f"{url}publish/", {}, format="json").status_code == 409
    cancel = f"{url}registrations/{registration.pk}/cancel/"
    assert person.post(cancel, {}, format="json").status_code == 409
    assert _snapshot() == before


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "from=gestern",
        "from=2027-02-01&until=2027-01-01",
        "registered=you",
        "group=0",
        "host=abc",
        "state=open",
        "page_size=0",
        "page_size=1000",
        "cursor=nonsense",
        "unknown=1",
        "kind=lunch&kind=fest",
        "kind=",
    ],
)
def test_the_event_list_refuses_parameters_it_does_not_know_or_understand(
    client_for, coordinator, query
):
    response = client_for(coordinator).get(f"/api/v1/events/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()


def test_registered_me_needs_an_account(api_client):
    assert api_client.get("/api/v1/events/?registered=me").status_code in (401, 403)


def test_the_list_filters_by_kind_time_host_and_my_registrations(client_for, coordinator):
    lunch = published_event(kind="lunch", days=3)
    meeting = published_event(kind="netzwerktreffen", days=30)
    member, organisation = person_in_new_organisation()
    Registration.objects.create(
        event=meeting, person=member, organisation=organisation, state="waiting"
    )
    client = client_for(member)

    def ids(query):
        response = client.get(f"/api/v1/events/?{query}")
        assert response.status_code == 200, response.content
        return [e["id"] for e in response.json()["results"]]

    assert ids("") == [lunch.pk, meeting.pk]
    assert ids("kind=lunch") == [lunch.pk]
    assert ids(f"from={(in_days(10)).date()}") == [meeting.pk]
    assert ids(f"until={(in_days(10)).date()}") == [lunch.pk]
    assert ids(f"host={lunch.hosts.get().pk}") == [lunch.pk]
    assert ids("registered=me") == [meeting.pk]
    page = client.get("/api/v1/events/?page_size=1").json()
    assert [e["id"] for e in page["results"]] == [lunch.pk]
    assert client.get(page["next"]).json()["results"][0]["id"] == meeting.pk


def test_lists_take_the_same_number_of_queries_for_three_or_thirty_events(
    client_for, django_assert_max_num_queries
):
    member, organisation = person_in_new_organisation()
    client = client_for(member)

    def fill(count):
        for n in range(count):
            event = published_event(days=3 + n, capacity=10)
            Registration.objects.create(
                event=event, person=member, organisation=organisation, state="registered"
            )

    fill(3)
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/v1/events/?page_size=100").status_code == 200
    fill(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/events/?page_size=100")
    assert len(response.json()["results"]) == 30
    event = Event.objects.first()
    coordinator = client_for(CoordinatorFactory())
    for _n in range(5):
        other, other_org = person_in_new_organisation()
        Registration.objects.create(
            event=event, person=other, organisation=other_org, state="waiting"
        )
    with django_assert_max_num_queries(12):
        assert coordinator.get(f"/api/v1/events/{event.pk}/registrations/").status_code == 200
    with django_assert_max_num_queries(12):
        assert coordinator.get(f"/api/v1/events/{event.pk}/waiting-list/").status_code == 200


def test_a_series_with_a_bad_rule_is_a_400_and_creates_nothing(client_for, coordinator):
    before = _snapshot()
    body = {**GOOD, "rrule": "FREQ=HOURLY"}
    response = client_for(coordinator).post("/api/v1/events/series/", body, format="json")
    assert response.status_code == 400
    assert "rrule" in response.json()
    assert _snapshot() == before
