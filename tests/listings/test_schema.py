"""The offers API is described in the OpenAPI schema."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_lists_the_offer_endpoints(client_for, member):
    response = client_for(member).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/listings/",
        "/api/v1/volunteer-actions/",
        "/api/v1/volunteer-actions/{id}/publish/",
        "/api/v1/equipment/{id}/availability/",
        "/api/v1/equipment/{id}/photos/",
        "/api/v1/jobs/{id}/close/",
        "/api/v1/listing-categories/",
    ]:
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/listings/"]["get"]["parameters"]}
    assert {"q", "kind", "available_from", "quantity", "ordering", "cursor"} <= parameters
