"""A new offer made from a need (issue 15): a company's member opens the ordinary new-offer
page from the need's page, finds it filled in from the need, saves it, and lands back on the
need with the new slot or item preselected, so one more tap sends the proposal. Needs no offer
fits get no link; who may not post offers gets the offer form's 403 or 404."""

import datetime as dt

import pytest
from django.test import Client

from listings.models import Equipment, ListingStatus, VolunteerAction
from needs.models import Proposal

from .support import category, in_days, need_of

pytestmark = pytest.mark.django_db

LINK = "Neues Angebot aus diesem Gesuch anlegen"


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _as_posted(response, **changes) -> dict:
    """The page's form as the browser would send it untouched (plus `changes`)."""
    data = {}
    forms = [response.context["form"]]
    rows = response.context["rows"]
    if rows is not None:
        data.update({f"{rows.prefix}-{k}": v for k, v in rows.management_form.initial.items()})
        forms += list(rows.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(v) for v in value]
            elif isinstance(value, dt.datetime):  # shown in local time already
                data[field.html_name] = value.strftime("%Y-%m-%dT%H:%M")
            elif hasattr(value, "pk"):
                data[field.html_name] = str(value.pk)
            else:
                data[field.html_name] = str(value)
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def _link(page: str) -> str:
    start = page.index('href="/organisationen/', page.index(LINK) - 300)
    return page[start + 6 : page.index('"', start + 6)].replace("&amp;", "&")


def test_a_volunteer_action_from_a_need_prefilled_saved_and_proposed(world):
    day = in_days(14)
    need = need_of(
        world,
        title="Helfende für den Schulgarten",
        description="Beete anlegen und Wege mulchen.",
        category="garten",
        help_kind="volunteers",
        quantity=6,
        date_from=day,
        place="Schulhof, Wassertorstraße 5",
    )
    company = _client(world.lender_member)

    page = company.get(f"/gesuche/{need.pk}/").content.decode()
    url = _link(page)
    assert url == (
        f"/organisationen/{world.lender.pk}/angebote/neu/freiwilligenaktion/?gesuch={need.pk}"
    )

    form_page = company.get(url)
    html = form_page.content.decode()
    assert form_page.status_code == 200
    assert 'value="Helfende für den Schulgarten"' in html
    assert "Beete anlegen und Wege mulchen." in html
    assert f'<option value="{category("garten").pk}" selected>' in html
    assert "Ort laut Gesuch: Schulhof, Wassertorstraße 5" in html
    assert f'value="{day.isoformat()}T09:00"' in html
    assert f'value="{day.isoformat()}T17:00"' in html
    assert 'name="slots-0-volunteers_available" value="6"' in html
    assert "Veröffentlichen und zum Gesuch" in html

    saved = company.post(url, _as_posted(form_page, skills="Gartenarbeit"))

    action = VolunteerAction.objects.get(title="Helfende für den Schulgarten")
    slot = action.slots.get()
    assert action.status == ListingStatus.PUBLISHED
    assert action.organisation == world.lender
    assert saved.status_code == 302
    assert saved["Location"] == f"/gesuche/{need.pk}/?angebot=slot:{slot.pk}#propose-heading"
    back = company.get(saved["Location"]).content.decode()
    assert f'<option value="slot:{slot.pk}" selected>' in back
    assert "Das Angebot ist veröffentlicht." in back

    proposed = company.post(
        f"/gesuche/{need.pk}/vorschlaege/",
        {"message": "Wir kommen zu sechst.", "offer": f"slot:{slot.pk}", "volunteers": "6"},
    )
    assert proposed.status_code == 302, proposed.content.decode()[:3000]
    proposal = Proposal.objects.get()
    assert (proposal.slot, proposal.volunteers, proposal.organisation) == (slot, 6, world.lender)


def test_an_item_from_a_need_prefilled_saved_and_preselected(world):
    need = need_of(world, quantity=2, date_from=in_days(10), date_until=in_days(12))
    company = _client(world.lender_member)
    url = _link(company.get(f"/gesuche/{need.pk}/").content.decode())
    assert url.endswith(f"/angebote/neu/ausleihe/?gesuch={need.pk}")

    form_page = company.get(url)
    html = form_page.content.decode()
    assert 'value="Beamer für unser Sommerfest"' in html
    assert 'name="quantity" value="2"' in html

    saved = company.post(
        url,
        _as_posted(
            form_page,
            condition="good",
            pickup_street="Skalitzer Straße 12",
            pickup_postcode="10999",
            pickup_city="Berlin",
        ),
    )

    item = Equipment.objects.get(title="Beamer für unser Sommerfest")
    assert item.status == ListingStatus.PUBLISHED and item.quantity == 2
    assert saved["Location"] == f"/gesuche/{need.pk}/?angebot=item:{item.pk}#propose-heading"
    back = company.get(saved["Location"]).content.decode()
    assert f'<option value="item:{item.pk}" selected>' in back
    assert f'value="{in_days(10).isoformat()}"' in back  # pickup day from the need


def test_the_plain_new_offer_page_is_unchanged_and_a_bad_need_is_ignored(world):
    need = need_of(world)  # equipment
    company = _client(world.lender_member)
    base = f"/organisationen/{world.lender.pk}/angebote/neu/"
    for url in (
        f"{base}ausleihe/",
        f"{base}ausleihe/?gesuch=abc",
        f"{base}ausleihe/?gesuch=999999",
        f"{base}freiwilligenaktion/?gesuch={need.pk}",  # not the need's kind
    ):
        html = company.get(url).content.decode()
        assert "Als Entwurf speichern" in html, url
        assert "Beamer für unser Sommerfest" not in html, url


@pytest.mark.parametrize("help_kind", ["goods", "money", "placement"])
def test_needs_no_offer_fits_get_no_link(world, help_kind):
    need = need_of(world, help_kind=help_kind, category="moebel")
    page = _client(world.lender_member).get(f"/gesuche/{need.pk}/").content.decode()
    assert "Vorschlag schicken" in page  # a message-only proposal
    assert LINK not in page


def test_who_may_not_post_offers_gets_no_link_and_the_offer_forms_answer(world):
    need = need_of(world)
    school = _client(world.teacher)
    assert LINK not in school.get(f"/gesuche/{need.pk}/").content.decode()
    own = school.get(f"/organisationen/{world.school.pk}/angebote/neu/ausleihe/?gesuch={need.pk}")
    assert own.status_code == 403
    stranger = _client(world.outsider)
    assert LINK not in stranger.get(f"/gesuche/{need.pk}/").content.decode()
    other = stranger.get(
        f"/organisationen/{world.lender.pk}/angebote/neu/ausleihe/?gesuch={need.pk}"
    )
    assert other.status_code == 404
    assert LINK not in Client().get(f"/gesuche/{need.pk}/").content.decode()
    assert not Equipment.objects.exists()


def test_english_pages_show_no_german(world):
    need = need_of(world, help_kind="volunteers", category="garten", place="Schulhof")
    company = _client(world.lender_member)
    page = company.get(f"/gesuche/{need.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Create a new offer from this need" in page
    url = f"/organisationen/{world.lender.pk}/angebote/neu/freiwilligenaktion/?gesuch={need.pk}"
    form = company.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for german in (LINK, "vorausgefüllt", "Veröffentlichen und zum Gesuch", "Ort laut Gesuch"):
        assert german not in page + form, german


def test_an_offer_that_cannot_be_published_stays_a_draft_with_the_reason(world):
    need = need_of(world, help_kind="volunteers", category="garten", date_from=None)  # flexible
    company = _client(world.lender_member)
    url = _link(company.get(f"/gesuche/{need.pk}/").content.decode())
    form_page = company.get(url)

    saved = company.post(url, _as_posted(form_page, skills="Gartenarbeit"))  # no slot given

    action = VolunteerAction.objects.get()
    assert action.status == ListingStatus.DRAFT
    assert saved["Location"] == f"/angebote/{action.pk}/"
    page = company.get(saved["Location"]).content.decode()
    assert "Das Angebot ist als Entwurf gespeichert." in page
    assert "Bitte zuerst mindestens einen Termin in der Zukunft eintragen." in page
    assert not Proposal.objects.exists()
