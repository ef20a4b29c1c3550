"""Bad input on every organisation endpoint: a 4xx with a message, and nothing changes.

Each request is sent by someone who would succeed with good input (the coordinator or an
admin), so the refusal is about the input alone.
"""

import io
import json
import os

import pytest
from django.utils import timezone
from PIL import Image

from marketplace.models import OrganisationStatus, Role
from marketplace.tokens import invitation_token
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    SocialOrganisationFactory,
    TaxExemptionFactory,
    member_of,
    open_invitation,
)

from .organisations_support import API, image_bytes, org_url, snapshot, upload

pytestmark = pytest.mark.django_db

NUL = "Verein\x00e.V."
HUGE_TEXT = "x" * 100_000
HUGE_NUMBER = 10**400
MALFORMED = object()  # sends '{"name": ' as application/json


@pytest.fixture
def ctx():
    organisation = SocialOrganisationFactory(slug="wassertor")
    TaxExemptionFactory(organisation=organisation)
    pending = SocialOrganisationFactory(status=OrganisationStatus.PENDING)
    admin = member_of(organisation, Role.ADMIN)
    target = MembershipFactory(organisation=organisation, role=Role.MEMBER)
    invitation = open_invitation(
        organisation=organisation,
        email="gast@example.org",
        invited_by=admin,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )
    return {
        "org": organisation,
        "pending": pending,
        "admin": admin,
        "coordinator": CoordinatorFactory(),
        "target": target,
        "invitation": invitation,
    }


TAX_EXEMPTION = {
    "tax_office": "Finanzamt für Körperschaften I Berlin",
    "tax_number": "27/601/54321",
    "notice_kind": "freistellung",
    "notice_date": "2025-03-01",
    "purposes": "Förderung der Jugendhilfe",
    "machine_receipts_notified": False,
}

# endpoint: (method, url(ctx), valid body)
ENDPOINTS = {
    "create": ("post", lambda c: f"{API}/organisations/", {"kind": "social", "name": "Verein"}),
    "update": ("patch", lambda c: org_url(c["org"]), {"description": "Neu"}),
    "approve": ("post", lambda c: org_url(c["pending"], "approve/"), {}),
    "reject": ("post", lambda c: org_url(c["pending"], "reject/"), {"reason": "Kein Kiez"}),
    "suspend": ("post", lambda c: org_url(c["org"], "suspend/"), {"reason": "Beschwerden"}),
    "tax_exemption": ("put", lambda c: org_url(c["org"], "tax-exemption/"), TAX_EXEMPTION),
    "member": (
        "patch",
        lambda c: org_url(c["org"], f"members/{c['target'].pk}/"),
        {"role": "admin"},
    ),
    "invite": (
        "post",
        lambda c: org_url(c["org"], "invitations/"),
        {"email": "neu@example.org", "role": "member"},
    ),
    "accept": (
        "post",
        lambda c: f"{API}/invitations/{invitation_token(c['invitation'])}/accept/",
        {},
    ),
}

# Bad bodies per endpoint: id -> body (replacing the valid one) or a function of the valid one.
COMMON = {
    "malformed_json": MALFORMED,
    "array_body": ["kind", "name"],
    "unknown_field": lambda valid: {**valid, "is_admin": True},
}
BAD = {
    "create": {
        "name_nul": {"kind": "social", "name": NUL},
        "name_huge": {"kind": "social", "name": HUGE_TEXT},
        "name_huge_number": {"kind": "social", "name": HUGE_NUMBER},
        "name_object": {"kind": "social", "name": {"de": "Verein"}},
        "name_missing": {"kind": "social"},
        "name_blank": {"kind": "social", "name": "   "},
        "kind_unknown": {"kind": "verein", "name": "Verein"},
        "kind_huge_number": {"kind": HUGE_NUMBER, "name": "Verein"},
        "postcode_short": {"kind": "social", "name": "Verein", "postcode": "1096"},
        "postcode_letters": {"kind": "social", "name": "Verein", "postcode": "1O969"},
        "website_script": {"kind": "social", "name": "Verein", "website": "javascript:alert(1)"},
        "contact_email_bad": {"kind": "social", "name": "Verein", "contact_email": "keine"},
        "phone_letters": {"kind": "social", "name": "Verein", "phone": "ruf mich an"},
        "slug_bad": {"kind": "social", "name": "Verein", "slug": "kein slug!"},
        "slug_taken": {"kind": "social", "name": "Verein", "slug": "wassertor"},
        "description_huge": {"kind": "social", "name": "Verein", "description": HUGE_TEXT},
        "district_nul": {"kind": "social", "name": "Verein", "district": "Kreuz\x00berg"},
        "logo_as_text": {"kind": "social", "name": "Verein", "logo": "logo.png"},
        "status_set": {"kind": "social", "name": "Verein", "status": "approved"},
    },
    "update": {
        "kind": {"kind": "company"},
        "status": {"status": "approved"},
        "name_nul": {"name": NUL},
        "name_blank": {"name": ""},
        "name_null": {"name": None},
        "name_huge": {"name": HUGE_TEXT},
        "postcode_bad": {"postcode": "ABCDE"},
        "website_bad": {"website": "kein link"},
        "phone_object": {"phone": {"nummer": 1}},
        "slug_taken": lambda valid: {"slug": "schon-vergeben"},
    },
    "approve": {
        "reason_nul": {"reason": "ok\x00"},
        "reason_huge": {"reason": HUGE_TEXT},
        "reason_list": {"reason": ["a", "b"]},
    },
    "reject": {
        "reason_missing": {},
        "reason_blank": {"reason": "   "},
        "reason_null": {"reason": None},
        "reason_nul": {"reason": "Nein\x00"},
        "reason_huge": {"reason": HUGE_TEXT},
        "reason_object": {"reason": {"text": "Nein"}},
    },
    "suspend": {
        "reason_missing": {},
        "reason_blank": {"reason": ""},
        "reason_nul": {"reason": "\x00"},
        "reason_huge": {"reason": HUGE_TEXT},
    },
    "tax_exemption": {
        "tax_number_letters": {**TAX_EXEMPTION, "tax_number": "abc"},
        "tax_number_nul": {**TAX_EXEMPTION, "tax_number": "27/601\x00/54321"},
        "tax_number_huge_number": {**TAX_EXEMPTION, "tax_number": HUGE_NUMBER},
        "notice_date_future": {**TAX_EXEMPTION, "notice_date": "2999-01-01"},
        "notice_date_invalid": {**TAX_EXEMPTION, "notice_date": "2024-13-45"},
        "notice_date_number": {**TAX_EXEMPTION, "notice_date": HUGE_NUMBER},
        "notice_kind_unknown": {**TAX_EXEMPTION, "notice_kind": "bescheid"},
        "machine_flag_huge_number": {**TAX_EXEMPTION, "machine_receipts_notified": HUGE_NUMBER},
        "purposes_huge": {**TAX_EXEMPTION, "purposes": HUGE_TEXT},
        "tax_office_missing": {k: v for k, v in TAX_EXEMPTION.items() if k != "tax_office"},
        "tax_office_object": {**TAX_EXEMPTION, "tax_office": {"name": "FA"}},
        "read_only_field": {**TAX_EXEMPTION, "updated_at": "2025-01-01T00:00:00Z"},
    },
    "member": {
        "role_unknown": {"role": "owner"},
        "role_huge_number": {"role": HUGE_NUMBER},
        "role_null": {"role": None},
        "role_nul": {"role": "ad\x00min"},
        # {} is a partial PATCH that changes nothing (issue 11: PATCH is partial, as documented).
    },
    "invite": {
        "email_invalid": {"email": "keine-adresse"},
        "email_nul": {"email": "gast\x00@example.org"},
        "email_huge": {"email": "a" * 300 + "@example.org"},
        "email_list": {"email": ["a@example.org"]},
        "role_unknown": {"email": "neu@example.org", "role": "owner"},
        "role_huge_number": {"email": "neu@example.org", "role": HUGE_NUMBER},
    },
    "accept": {},
}

CASES = [
    pytest.param(endpoint, case_id, body, id=f"{endpoint}-{case_id}")
    for endpoint in ENDPOINTS
    for case_id, body in {**COMMON, **BAD[endpoint]}.items()
]


def _send(client, method: str, url: str, body):
    if body is MALFORMED:
        return getattr(client, method)(url, '{"name": ', content_type="application/json")
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _assert_refused_with_message(response, before, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body, "the error names what is wrong"
    messages = [body["detail"]] if "detail" in body else list(body.values())
    assert all(messages)
    assert snapshot() == before


def _user_for(endpoint: str, ctx):
    return ctx["admin"] if endpoint in {"update", "member", "invite"} else ctx["coordinator"]


def test_every_endpoint_has_bad_input_cases():
    assert set(BAD) == set(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "case_id", "body"), CASES)
def test_bad_input_is_refused_and_changes_nothing(ctx, client_for, endpoint, case_id, body):
    # Given someone who may use the endpoint, and (for one case) a slug already taken
    SocialOrganisationFactory(slug="schon-vergeben")
    if endpoint == "accept":
        ctx["invitation"].email = ctx["coordinator"].email
        ctx["invitation"].save()
    method, url, valid = ENDPOINTS[endpoint]
    if callable(body):
        body = body(valid)
    client = client_for(_user_for(endpoint, ctx))
    before = snapshot()

    # When they send bad input
    response = _send(client, method, url(ctx), body)

    # Then it is refused with a message and nothing changed
    _assert_refused_with_message(response, before)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_valid_body_of_each_case_table_is_accepted(ctx, client_for, endpoint):
    """The bad cases above differ from a body that works: this proves the baseline."""
    if endpoint == "accept":
        ctx["invitation"].email = ctx["coordinator"].email
        ctx["invitation"].save()
    method, url, valid = ENDPOINTS[endpoint]

    response = _send(client_for(_user_for(endpoint, ctx)), method, url(ctx), valid)

    assert response.status_code in (200, 201), response.content


# --- uploads ----------------------------------------------------------------------------------


def _truncated_png() -> bytes:
    data = image_bytes("PNG", (300, 300), "red")
    return data[: len(data) // 2]


def _big_png() -> bytes:
    # Random pixels do not compress: well over 2 MB.
    image = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


BAD_LOGOS = {
    "text_named_png": lambda: upload("logo.png", b"<svg onload=alert(1)>", "image/png"),
    "gif": lambda: upload("logo.gif", image_bytes("GIF"), "image/gif"),
    "bmp_named_jpg": lambda: upload("logo.jpg", image_bytes("BMP"), "image/jpeg"),
    "too_wide": lambda: upload("logo.png", image_bytes("PNG", (5000, 10)), "image/png"),
    "too_large": lambda: upload("logo.png", _big_png(), "image/png"),
    "truncated": lambda: upload("logo.png", _truncated_png(), "image/png"),
    "empty": lambda: upload("logo.png", b"", "image/png"),
}


@pytest.mark.parametrize("case", list(BAD_LOGOS))
@pytest.mark.parametrize("endpoint", ["create", "update"])
def test_bad_logo_is_refused_with_a_message(ctx, client_for, endpoint, case):
    before = snapshot()
    if endpoint == "create":
        client = client_for(ctx["coordinator"])
        data = {"kind": "social", "name": "Verein", "logo": BAD_LOGOS[case]()}
        response = client.post(f"{API}/organisations/", data, format="multipart")
    else:
        client = client_for(ctx["admin"])
        response = client.patch(
            org_url(ctx["org"]), {"logo": BAD_LOGOS[case]()}, format="multipart"
        )

    _assert_refused_with_message(response, before)
    assert "logo" in response.json()


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_good_logo_is_stored_under_a_random_name_with_its_real_format(
    ctx, client_for, fmt, extension, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    logo = upload("unser logo.bin", image_bytes(fmt), "application/octet-stream")

    response = client_for(ctx["admin"]).patch(
        org_url(ctx["org"]), {"logo": logo}, format="multipart"
    )

    assert response.status_code == 200, response.content
    ctx["org"].refresh_from_db()
    assert ctx["org"].logo.name.startswith("logos/")
    assert ctx["org"].logo.name.endswith(f".{extension}")
    assert "unser" not in ctx["org"].logo.name
    assert response.json()["logo_url"].endswith(ctx["org"].logo.url)


# --- addresses and filters --------------------------------------------------------------------

HUGE_ID = "9" * 30


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("patch", ""),
        ("post", "approve/"),
        ("get", "tax-exemption/"),
        ("get", "members/"),
        ("get", "invitations/"),
    ],
)
def test_huge_organisation_id_is_not_found(ctx, client_for, method, suffix):
    before = snapshot()

    response = getattr(client_for(ctx["coordinator"]), method)(
        f"{API}/organisations/{HUGE_ID}/{suffix}", {}, format="json"
    )

    _assert_refused_with_message(response, before, status=404)


@pytest.mark.parametrize(
    "suffix",
    [f"members/{HUGE_ID}/", f"invitations/{HUGE_ID}/"],
)
def test_huge_sub_resource_id_is_not_found(ctx, client_for, suffix):
    before = snapshot()

    response = client_for(ctx["coordinator"]).delete(org_url(ctx["org"], suffix))

    _assert_refused_with_message(response, before, status=404)


@pytest.mark.parametrize(
    "token", ["abc%00def", "x" * 1000, "%C3%A4%C3%B6%C3%BC", "mit%20leerzeichen"]
)
def test_odd_invitation_tokens_are_not_found(ctx, client_for, token):
    before = snapshot()

    shown = client_for(ctx["coordinator"]).get(f"{API}/invitations/{token}/")
    accepted = client_for(ctx["coordinator"]).post(f"{API}/invitations/{token}/accept/")

    _assert_refused_with_message(shown, before, status=404)
    _assert_refused_with_message(accepted, before, status=404)


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "verein"},
        {"status": "irgendwas"},
        {"search": "Kiez\x00"},
        {"search": "x" * 1000},
        {"page": HUGE_ID},
    ],
)
def test_bad_list_filters_are_refused(ctx, client_for, params):
    response = client_for(ctx["coordinator"]).get(f"{API}/organisations/", params)

    assert 400 <= response.status_code < 500
    assert response.json()
