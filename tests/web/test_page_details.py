"""Small things people tripped over on the pages: the member count, a tab a company cannot use,
the wording of the equipment form."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from listings.models import Equipment
from marketplace.models import Role
from tests.factories import CompanyFactory, SocialOrganisationFactory, member_of

pytestmark = pytest.mark.django_db


def test_my_organisations_counts_every_member_like_the_organisations_page(signed_in):
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    admin = member_of(social, Role.ADMIN)
    member_of(social, Role.MEMBER)
    member_of(social, Role.MEMBER)
    client = signed_in(admin)

    listing = client.get("/organisationen/").content.decode()
    detail = client.get(f"/organisationen/{social.pk}/").content.decode()

    assert "3 Mitglieder" in listing
    assert "3 Mitglieder" in detail


def test_a_company_sees_no_receipts_tab_and_a_social_organisation_does(signed_in):
    company = CompanyFactory()
    social = SocialOrganisationFactory()

    company_page = signed_in(member_of(company, Role.ADMIN)).get(
        f"/organisationen/{company.pk}/spenden/"
    )
    social_page = signed_in(member_of(social, Role.ADMIN)).get(
        f"/organisationen/{social.pk}/spenden/"
    )

    assert f"/organisationen/{company.pk}/zuwendungsbestaetigungen/" not in (
        company_page.content.decode()
    )
    assert f"/organisationen/{social.pk}/zuwendungsbestaetigungen/" in (
        social_page.content.decode()
    )


def test_buffer_days_are_called_puffertage():
    assert Equipment._meta.get_field("buffer_days").verbose_name == (
        "Puffertage zwischen zwei Ausleihen"
    )


@pytest.mark.parametrize("language, shown", [("de", "1.250,00 €"), ("en", "€1,250.00")])
def test_money_is_written_as_the_readers_language_writes_it(signed_in, language, shown):
    from decimal import Decimal

    from tests.listings.factories import EquipmentFactory

    item = EquipmentFactory(deposit=Decimal("1250.00"))
    client = signed_in(member_of(SocialOrganisationFactory()))
    client.post("/sprache/", {"language": language, "next": "/"})

    html = client.get(f"/angebote/{item.pk}/").content.decode()

    assert shown in html
    assert "1250.00" not in html


GERMAN_SHORT_DATE = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b[ap]\.m\.")


def _volunteer_booking():
    from bookings import services as booking_services
    from tests.listings.factories import VolunteerActionFactory

    company = CompanyFactory()
    social = SocialOrganisationFactory()
    worker = member_of(social, Role.ADMIN)
    start = (timezone.localtime() + dt.timedelta(days=9)).replace(
        hour=17, minute=30, second=0, microsecond=0
    )
    action = VolunteerActionFactory(
        organisation=company, slots=[{"start": start, "end": start + dt.timedelta(hours=2)}]
    )
    booking = booking_services.booking_request_volunteers(
        by=worker,
        organisation=social,
        slot=action.slots.get().pk,
        volunteers=2,
        task="Streichen",
        place="Hof",
        contact_name="Ayşe",
    )
    return worker, action, booking, start


def test_an_english_page_writes_every_date_one_way(signed_in):
    worker, action, booking, start = _volunteer_booking()
    client = signed_in(worker)
    client.post("/sprache/", {"language": "en", "next": "/"})

    for path in (f"/angebote/{action.pk}/", f"/buchungen/{booking.pk}/", "/buchungen/"):
        html = client.get(path).content.decode()

        assert not GERMAN_SHORT_DATE.search(html), path
        assert not US_DATE.search(html), path
    detail = client.get(f"/buchungen/{booking.pk}/").content.decode()
    assert f"{start:%A}, {start.day} {start:%B %Y}" in detail


def test_a_german_page_writes_every_date_the_german_way(signed_in):
    worker, _action, booking, start = _volunteer_booking()

    html = signed_in(worker).get(f"/buchungen/{booking.pk}/").content.decode()

    assert f"{start.day}. " in html
    assert not US_DATE.search(html)


@pytest.mark.parametrize(
    "language, shown, ticked",
    [("de", "Deutsch, Türkisch", "Türkisch"), ("en", "German, Turkish", "Turkish")],
)
def test_languages_are_ticked_and_shown_by_name_in_the_readers_language(
    signed_in, language, shown, ticked
):
    from listings.models import VolunteerAction

    company = CompanyFactory()
    client = signed_in(member_of(company, Role.ADMIN))
    client.post("/sprache/", {"language": language, "next": "/"})
    form_page = client.get(f"/organisationen/{company.pk}/angebote/neu/freiwilligenaktion/")
    assert re.search(
        rf'<input type="checkbox" name="languages" value="tr"[^>]*>\s*{ticked}',
        form_page.content.decode(),
    )
    _worker, action, _booking, _start = _volunteer_booking()
    VolunteerAction.objects.filter(pk=action.pk).update(languages=["de", "tr"])

    html = client.get(f"/angebote/{action.pk}/").content.decode()

    assert shown in html
    assert "de, tr" not in html
