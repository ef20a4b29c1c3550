"""The API's edges: every answer under /api/ is JSON, no input is a 500, query parameters are
checked alike on every list (unknown, repeated, empty, out of range, inverted ranges), and
OPTIONS works on every route.

Found by a property-based tester (issue 11, section 6); tests/marketplace/test_api_schemathesis.py
runs that tester over the whole schema.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import CoordinatorFactory, SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/bookings/",
    "/api/v1/donations/",
    "/api/v1/donations/receipts/",
    "/api/v1/donations/collective-receipts/due/",
    "/api/v1/organisations/",
    "/api/v1/notifications/",
    "/api/v1/listings/",
    "/api/v1/listing-categories/",
    "/api/v1/volunteer-actions/",
    "/api/v1/equipment/",
    "/api/v1/jobs/",
]


@pytest.fixture
def coordinator(client_for):
    return client_for(CoordinatorFactory())


@pytest.fixture
def social_admin(client_for):
    from marketplace.models import Role

    return client_for(member_of(SocialOrganisationFactory(), role=Role.ADMIN))


def _assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert response.json()["detail"]


# --- no 500 for numbers out of range ------------------------------------------------------------


@pytest.mark.parametrize("year", ["0", "-1", "10000", "1e20", "2026.5", "abc"])
@pytest.mark.parametrize("url", ["/api/v1/donations/", "/api/v1/donations/receipts/"])
def test_a_year_out_of_range_is_a_400_naming_the_parameter(coordinator, url, year):
    response = coordinator.get(url, {"year": year})

    assert response.status_code == 400, response.content
    assert "year" in response.json()


@pytest.mark.parametrize("value", ["0", "-1", "1e20", "99999999999999999999999"])
def test_an_organisation_id_out_of_range_is_a_400(coordinator, value):
    response = coordinator.get("/api/v1/donations/receipts/", {"organisation": value})

    assert response.status_code == 400, response.content
    assert "organisation" in response.json()


def test_a_year_in_range_filters(coordinator):
    response = coordinator.get("/api/v1/donations/", {"year": "2026"})

    assert response.status_code == 200, response.content


# --- OPTIONS on every route ---------------------------------------------------------------------


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield route


def _concrete(route: str) -> str:
    """A URL for a route, with 1 for ids and "abc" for other parts."""
    route = re.sub(r"<(?:id|int):[a-z_]+>|\(\?P<[a-z_]+>\\d\+\)", "1", route)
    route = re.sub(r"<(?:str:)?[a-z_]+>|\(\?P<[a-z_]+>\[\^/\.\]\+\)", "abc", route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\.", ".")


def test_options_answers_json_on_every_api_route(coordinator):
    routes = sorted({_concrete(route) for route in _api_routes()})
    assert len(routes) > 40

    for url in routes:
        if url.endswith(("/docs/", "/schema/")):  # the schema and its viewer, not JSON
            continue
        response = coordinator.options(url)
        assert response.status_code in (200, 401, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("application/json"), url


def test_options_on_the_tax_exemption_of_an_organisation_is_not_a_500(coordinator):
    organisation = SocialOrganisationFactory()

    response = coordinator.options(f"/api/v1/organisations/{organisation.pk}/tax-exemption/")

    assert response.status_code == 200
    assert "actions" not in response.json()  # no form built from another organisation's data


# --- JSON for every answer under /api/ ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bookings/abc/",
        "/api/v1/bookings/-1/",
        "/api/v1/bookings/99999999999999999999999/",
        "/api/v1/organisations/12/invitations/None/",
        "/api/v1/no-such-thing/",
        "/api/",
        "/api/v2/bookings/",
    ],
)
def test_a_path_that_matches_no_route_is_a_json_404(coordinator, url):
    _assert_json_error(coordinator.get(url), 404)


def test_a_path_that_matches_no_route_is_a_json_404_also_without_a_token(client_for):
    _assert_json_error(client_for(None).get("/api/v1/bookings/abc/"), 404)


def test_the_web_pages_keep_their_html_404(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_api_is_json(coordinator, monkeypatch):
    import bookings.api

    def broken(user, pk):
        raise RuntimeError("a bug")

    monkeypatch.setattr(bookings.api, "booking_or_404", broken)
    coordinator.raise_request_exception = False

    response = coordinator.get("/api/v1/bookings/1/")

    _assert_json_error(response, 500)
    assert "a bug" not in response.content.decode()


# --- query parameters: one behaviour on every list ----------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_parameter_is_a_400_with_one_wording(social_admin, url):
    response = social_admin.get(url, {"page": "1"})

    assert response.status_code == 400, response.content
    assert response.json()["page"] == ["Unbekannter Parameter."]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/bookings/", "state"),
        ("/api/v1/bookings/", "date_from"),
        ("/api/v1/donations/", "year"),
        ("/api/v1/donations/receipts/", "cancelled"),
        ("/api/v1/organisations/", "search"),
        ("/api/v1/organisations/", "mine"),
        ("/api/v1/listings/", "q"),
        ("/api/v1/equipment/", "status"),
        ("/api/v1/bookings/", "cursor"),
    ],
)
def test_an_empty_parameter_is_refused_not_ignored(social_admin, url, name):
    response = social_admin.get(f"{url}?{name}=")

    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize(
    ("url", "start", "end"),
    [
        ("/api/v1/bookings/", "date_from", "date_to"),
        ("/api/v1/listings/", "date_from", "date_to"),
    ],
)
def test_an_inverted_range_is_a_400_with_a_message(social_admin, url, start, end):
    response = social_admin.get(url, {start: "2027-01-01", end: "2026-01-01"})

    assert response.status_code == 400, response.content
    assert response.json()[end]


def test_a_repeated_parameter_is_a_400(social_admin):
    response = social_admin.get("/api/v1/bookings/?state=requested&state=confirmed")

    assert response.status_code == 400
    assert "state" in response.json()


def test_a_one_day_range_is_fine(social_admin):
    response = social_admin.get(
        "/api/v1/bookings/", {"date_from": "2026-01-01", "date_to": "2026-01-01"}
    )

    assert response.status_code == 200, response.content


# --- one pagination for every list ------------------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_every_list_pages_alike(social_admin, url):
    response = social_admin.get(url)

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"next", "previous", "results"}
    assert response.json()["previous"] is None


@pytest.mark.parametrize("size", ["0", "101", "-1", "x", "1e3"])
def test_a_page_size_out_of_range_is_a_400(social_admin, size):
    response = social_admin.get("/api/v1/bookings/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_walking_forward_and_back_through_a_list_shows_each_row_once(client_for):
    from marketplace.models import Role

    person = member_of(SocialOrganisationFactory(name="Aaa"), role=Role.ADMIN)
    for index in range(6):
        member_of(
            SocialOrganisationFactory(name=f"Org {index}"),
            role=Role.ADMIN,
            email=f"{index}@x.example",
        )
    client = client_for(CoordinatorFactory())
    assert person.memberships.exists()

    seen, pages, url = [], [], "/api/v1/organisations/?page_size=3"
    while url:
        page = client.get(url).json()
        pages.append([row["id"] for row in page["results"]])
        seen += pages[-1]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7
    assert seen == [
        row["id"] for row in client.get("/api/v1/organisations/?page_size=100").json()["results"]
    ]

    back = client.get(client.get("/api/v1/organisations/?page_size=3").json()["next"]).json()
    back = client.get(client.get(back["next"]).json()["previous"]).json()
    assert [row["id"] for row in back["results"]] == pages[1]
    first = client.get(back["previous"]).json()
    assert [row["id"] for row in first["results"]] == pages[0]
    assert first["previous"] is None


def test_a_list_pages_with_a_constant_number_of_queries(client_for, django_assert_max_num_queries):

    for index in range(30):
        member_of(SocialOrganisationFactory(name=f"Org {index:02}"), email=f"{index}@x.example")
    coordinator = client_for(CoordinatorFactory())
    coordinator.get("/api/v1/organisations/")  # token and session caches warm

    with django_assert_max_num_queries(6):
        response = coordinator.get("/api/v1/organisations/?page_size=25")
    assert len(response.json()["results"]) == 25


# --- one-line texts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Kiez\nverein",
        "Kiez\tverein",
        "Kiez\x1bverein",
        "Kiez\x85e.V.",
        "Kiez\u2028e.V.",
        "Kiez\x7f",
    ],
)
def test_an_organisation_name_with_control_characters_is_refused(client_for, name):
    client = client_for(member_of(SocialOrganisationFactory()))

    response = client.post(
        "/api/v1/organisations/", {"kind": "social", "name": name}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "name" in response.json()


def test_the_service_refuses_control_characters_in_a_name_from_the_web_pages_too():
    from marketplace.errors import InvalidInput
    from marketplace.models import Organisation
    from marketplace.services.organisations import organisation_update

    organisation = SocialOrganisationFactory()
    with pytest.raises(InvalidInput):
        organisation_update(
            organisation=organisation,
            by=CoordinatorFactory(),
            changes={"city": "Berlin\r\nBcc: x@example.org"},
        )
    assert Organisation.objects.get(pk=organisation.pk).city == organisation.city


def test_a_booking_contact_name_with_a_line_break_is_refused_but_a_message_may_have_one(client_for):
    client = client_for(member_of(SocialOrganisationFactory()))
    body = {
        "kind": "volunteer",
        "slot": 1,
        "volunteers": 1,
        "task": "Aufbau\\nund Abbau",
        "place": "Hof",
        "contact_name": "A\nB",
    }

    response = client.post("/api/v1/bookings/", body, format="json")

    assert response.status_code == 400
    assert "contact_name" in response.json() and "task" not in response.json()


def test_a_multi_line_description_keeps_its_line_breaks(client_for):
    from marketplace.models import Role

    organisation = SocialOrganisationFactory()
    client = client_for(member_of(organisation, role=Role.ADMIN))

    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}/", {"description": "Wir\nhelfen."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Wir\nhelfen."


def test_patch_on_a_membership_is_partial_as_documented(client_for):
    from marketplace.models import Membership, Role

    organisation = SocialOrganisationFactory()
    admin = client_for(member_of(organisation, role=Role.ADMIN))
    membership = Membership.objects.get(user=member_of(organisation), organisation=organisation)
    url = f"/api/v1/organisations/{organisation.pk}/members/{membership.pk}/"

    unchanged = admin.patch(url, {}, format="json")
    changed = admin.patch(url, {"role": "admin"}, format="json")

    assert unchanged.status_code == 200 and unchanged.json()["role"] == "member"
    assert changed.status_code == 200 and changed.json()["role"] == "admin"


@pytest.mark.parametrize("value", ["AAA", "1", "yes"])
def test_a_yes_or_no_parameter_takes_only_true_or_false(social_admin, value):
    response = social_admin.get("/api/v1/organisations/", {"mine": value})

    assert response.status_code == 400
    assert response.json()["mine"] == ["Bitte true oder false angeben."]
    assert social_admin.get("/api/v1/organisations/", {"mine": "true"}).status_code == 200


# --- the schema says what the API does --------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in _operations(schema):
        responses, parameters = operation["responses"], operation.get("parameters", [])
        where = f"{method.upper()} {path}"
        if any(parameter["in"] == "path" for parameter in parameters):
            assert "404" in responses, where
        if any(requirement for requirement in operation.get("security", [])):
            assert "401" in responses, where
        if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
            field_errors = responses["400"]["content"]["application/json"]["schema"]
            assert field_errors == {"$ref": "#/components/schemas/FieldErrors"}, where
        if method != "get":
            assert "409" in responses, where


def test_every_list_documents_one_page_shape(schema):
    pages = {
        path: operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        for path, method, operation in _operations(schema)
        if method == "get" and path in LISTS
    }
    assert set(pages) == set(LISTS)
    for path, ref in pages.items():
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(page["properties"]) == {"next", "previous", "results"}, path
        assert "count" not in page["properties"], path


def test_the_schema_tells_what_comes_back_and_what_goes_in(schema):
    components = schema["components"]["schemas"]
    # One of the three kinds, told apart by `kind`, or several items of one company (kind
    # equipment too, told apart by `items`): no discriminator can name the group, so the schema
    # lists the four shapes and what each requires.
    booking_request = {
        ref["$ref"].rsplit("/", 1)[-1] for ref in components["BookingRequestRequest"]["oneOf"]
    }
    organisation = components["Organisation"]["properties"]
    equipment = components["Equipment"]["properties"]
    patch_role = components["PatchedRoleRequest"]

    assert booking_request == {
        "VolunteerRequestRequest",
        "EquipmentRequestRequest",
        "JobReferralRequest",
        "EquipmentGroupRequestRequest",
    }
    kinds = {
        name: components[components[name]["properties"]["kind"]["$ref"].rsplit("/", 1)[-1]]["enum"]
        for name in ("VolunteerRequestRequest", "EquipmentRequestRequest", "JobReferralRequest")
    }
    assert kinds == {
        "VolunteerRequestRequest": ["volunteer"],
        "EquipmentRequestRequest": ["equipment"],
        "JobReferralRequest": ["job"],
    }
    assert "items" in components["EquipmentGroupRequestRequest"]["required"]
    assert "items" not in components["EquipmentRequestRequest"]["properties"]
    assert organisation["website"]["nullable"] and organisation["contact_email"]["nullable"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in equipment["closed_reason"]["oneOf"]
    assert "role" not in patch_role.get("required", [])
    assert components["OrganisationApplyRequest"]["additionalProperties"] is False


@pytest.mark.parametrize("value", [0, True, 12.5, ["Ayşe"]])
def test_a_text_field_takes_only_a_string(client_for, value):
    client = client_for(member_of(SocialOrganisationFactory()))

    response = client.patch("/api/v1/auth/me/", {"full_name": value}, format="json")

    assert response.status_code == 400
    assert "full_name" in response.json()


def test_the_api_takes_json_and_answers_415_for_a_form(client_for):
    client = client_for(member_of(SocialOrganisationFactory()))

    response = client.patch(
        "/api/v1/auth/me/", "full_name=Ay", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.json()["detail"]
