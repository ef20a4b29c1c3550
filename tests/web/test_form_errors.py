"""After a failed submit: every error at once, in a summary at the top that links to each field,
the first field with an error focused, and no internal name in a message."""

import re

import pytest

from tests.bookings.support import in_days, item_of, make_world
from tests.factories import CompanyFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory

pytestmark = pytest.mark.django_db


def summary_of(html: str) -> str:
    match = re.search(r'<div class="form-errors error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_the_booking_form_tells_all_errors_at_once_with_links_and_focus(signed_in):
    world = make_world()
    item = item_of(world, quantity=1)

    # Given a request without its purpose and with the return before the pickup
    response = signed_in(world.social_member).post(
        f"/angebote/{item.pk}/buchen/",
        {"pickup_on": in_days(5).isoformat(), "return_on": in_days(3).isoformat(), "units": "1"},
    )

    # Then both are told in the first round, in a summary linking to the fields
    assert response.status_code == 400
    html = response.content.decode()
    summary = summary_of(html)
    assert '<a href="#id_return_on">' in summary
    assert '<a href="#id_purpose">' in summary
    assert "Die Rückgabe kann nicht vor der Abholung liegen." in summary
    # And the first field with an error has the focus, and only it
    assert html.count("autofocus") == 1
    assert re.search(r'<input[^>]*name="return_on"[^>]*autofocus', html)


def test_a_page_with_several_forms_focuses_one_field(signed_in):
    social = SocialOrganisationFactory()
    admin = member_of(social, "admin")

    response = signed_in(admin).post(
        f"/organisationen/{social.pk}/mitglieder/", {"email": "keine-adresse", "role": ""}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_email">' in summary_of(html)
    assert html.count("autofocus") == 1


@pytest.mark.parametrize(
    "params",
    [
        {"available_from": "2030-01-05", "available_until": "2030-01-01"},
        {"date_from": "2030-01-05", "date_to": "2030-01-01"},
    ],
)
def test_search_errors_name_the_fields_labels_and_keep_form_and_results(signed_in, params):
    EquipmentFactory(title="Beamer Epson")
    worker = member_of(SocialOrganisationFactory())

    response = signed_in(worker).get("/", {"q": "Beamer", **params})

    assert response.status_code == 400
    html = response.content.decode()
    summary = summary_of(html)
    for name in ("available_until", "available_from", "date_from", "date_to"):
        assert name not in re.sub(r'href="#id_\w+"', "", summary), summary
    assert "„Rückgabe am“" in summary or "„bis“" in summary
    # The form keeps what was typed, and the results of the other filters stay
    for value in params.values():
        assert f'value="{value}"' in html
    assert 'value="Beamer"' in html
    assert "Beamer Epson" in html


def test_the_offer_form_tells_a_missing_title_and_a_reversed_slot_together(signed_in):
    from tests.web.test_listing_pages import action_data, local

    company = CompanyFactory()
    member = member_of(company, "member")

    response = signed_in(member).post(
        f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/",
        action_data(title="", **{"slots-1-end": local(9, 8).strftime("%Y-%m-%dT%H:%M")}),
    )

    assert response.status_code == 400
    summary = summary_of(response.content.decode())
    assert '<a href="#id_title">' in summary
    assert '<a href="#id_slots-1-end">' in summary
    assert "Das Ende eines Termins muss nach dem Beginn liegen." in summary
