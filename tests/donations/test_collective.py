"""Collective receipts (Sammelbestätigungen): one per donor and year over the confirmed money
donations that have no receipt yet, with an annex that adds up; and the January offer.

Given a company's donations of last year, some with individual receipts and some without, when
the social organisation's admin issues the collective receipt, then it lists exactly the
donations without a receipt, and its total is the sum of its annex.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from donations import services, tasks
from donations.models import Receipt
from marketplace.errors import Conflict, NotAllowed

from .support import (
    confirm,
    mails_to,
    pdf_attachments,
    pdf_pages,
    receipt_of,
    record_goods,
    record_money,
    record_private,
)

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year
LAST = YEAR - 1
NO_OTHER = (
    "Es wird bestätigt, dass über die in der Gesamtsumme enthaltenen Zuwendungen keine weiteren "
    "Bestätigungen, weder formelle Zuwendungsbestätigungen noch Beitragsquittungen oder "
    "ähnliches ausgestellt wurden und werden."
)


def _on(month: int, day: int = 1, year: int = LAST) -> dt.date:
    return dt.date(year, month, day)


def _last_years_donations(world):
    """Two donations without receipt (to be collected) and several that must stay out."""
    collected = [
        confirm(world, record_money(world, "100.00", donated_on=_on(3, 2)), issue_receipt=False),
        confirm(
            world,
            record_money(
                world, "50.50", donated_on=_on(6, 15), waiver=True, money_kind="membership_fee"
            ),
            issue_receipt=False,
        ),
    ]
    left_out = {
        "individual receipt": confirm(world, record_money(world, "400.00", donated_on=_on(9))),
        "goods": confirm(world, record_goods(world, donated_on=_on(4)), issue_receipt=False),
        "not confirmed": record_money(world, "7.00", donated_on=_on(5)),
        "rejected": services.donation_reject(
            donation=record_money(world, "8.00", donated_on=_on(5)),
            by=world.social_member,
            reason="nie angekommen",
        ),
        "other year": confirm(
            world,
            record_money(world, "9.00", donated_on=_on(5, year=LAST - 1)),
            issue_receipt=False,
        ),
        "other donor": confirm(
            world, record_private(world, "11.00", donated_on=_on(5)), issue_receipt=False
        ),
        "this year": confirm(
            world,
            record_money(world, "12.00", donated_on=_on(1, 2, year=YEAR)),
            issue_receipt=False,
        ),
    }
    return collected, left_out


def _annex_amounts(page: str) -> list[Decimal]:
    rows = page.split("Gesamtsumme")[0]
    return [
        Decimal(figure.replace(".", "").replace(",", "."))
        for figure in re.findall(r"(\d[\d.]*,\d\d) €", rows)
    ]


def test_a_collective_receipt_lists_the_donors_unreceipted_money_donations(world, committed):
    collected, left_out = _last_years_donations(world)
    mail.outbox.clear()

    receipt = committed(
        services.collective_receipt_issue,
        organisation=world.social,
        by=world.social_admin,
        donor_key=f"org:{world.company.pk}",
        year=LAST,
    )

    # The receipt covers exactly the two donations without a receipt
    assert receipt.kind == "collective" and receipt.period_year == LAST
    assert receipt.amount == Decimal("150.50")
    assert set(receipt.items.values_list("donation_id", flat=True)) == {d.pk for d in collected}
    assert receipt_of(collected[0]) == receipt_of(collected[1]) == receipt
    assert receipt_of(left_out["individual receipt"]).kind == "money"
    # Its first page is the official collective template
    first, annex = pdf_pages(receipt.pdf)
    for expected in [
        "Sammelbestätigung über Geldzuwendungen/Mitgliedsbeiträge",
        "Name und Anschrift des Zuwendenden: Kiezbäckerei Wassertor GmbH Oranienstraße 12",
        "Gesamtbetrag der Zuwendung – in Ziffern – 150,50 €",
        "einhundertfünfzig Euro und fünfzig Cent",
        f"Zeitraum der Sammelbestätigung: 01.01.{LAST} – 31.12.{LAST}",
        "Ob es sich um den Verzicht auf Erstattung von Aufwendungen handelt, ist der Anlage zur "
        "Sammelbestätigung zu entnehmen.",
        NO_OTHER,
        "Es wird bestätigt, dass die Zuwendung nur zur Förderung der Jugendhilfe und der "
        "Altenhilfe verwendet wird.",
        "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig.",
        "(§ 63 Abs. 5 AO)",
    ]:
        assert expected in first, expected
    # ... and its annex lists each donation, adding up to the total
    assert f"Anlage zur Sammelbestätigung Nr. {receipt.number}" in annex
    assert f"02.03.{LAST} Geldzuwendung nein 100,00 €" in annex
    assert f"15.06.{LAST} Mitgliedsbeitrag ja 50,50 €" in annex
    assert "Gesamtsumme 150,50 €" in annex
    assert _annex_amounts(annex) == [Decimal("100.00"), Decimal("50.50")]
    assert sum(_annex_amounts(annex)) == receipt.amount
    for amount in ("400,00", "7,00", "8,00", "9,00", "11,00", "12,00", "480,00"):
        assert f" {amount} €" not in annex
    # The company receives it as PDF
    for person in (world.company_admin, world.company_member):
        [message] = mails_to(person)
        assert "Sammelbestätigung" in message.subject
        assert pdf_attachments(message)[0][1] == bytes(receipt.pdf)


def test_a_long_annex_continues_on_further_pages_and_still_adds_up(world):
    for day in range(1, 121):
        donation = record_money(world, "10.01", donated_on=_on(1) + dt.timedelta(days=day))
        confirm(world, donation, issue_receipt=False)

    receipt = services.collective_receipt_issue(
        organisation=world.social,
        by=world.social_admin,
        donor_key=f"org:{world.company.pk}",
        year=LAST,
    )

    pages = pdf_pages(receipt.pdf)
    assert len(pages) == 4  # the receipt and three pages of annex
    amounts = [amount for page in pages[1:] for amount in _annex_amounts(page)]
    assert len(amounts) == 120 and sum(amounts) == receipt.amount == Decimal("1201.20")
    assert "Gesamtsumme 1.201,20 €" in pages[-1]


def test_one_collective_receipt_per_donor_and_year(world):
    collected, _left_out = _last_years_donations(world)
    key = f"org:{world.company.pk}"
    first = services.collective_receipt_issue(
        organisation=world.social, by=world.social_admin, donor_key=key, year=LAST
    )
    later = confirm(world, record_money(world, "20.00", donated_on=_on(11)), issue_receipt=False)

    with pytest.raises(Conflict) as twice:
        services.collective_receipt_issue(
            organisation=world.social, by=world.social_admin, donor_key=key, year=LAST
        )
    with pytest.raises(Conflict) as individually:
        services.receipt_issue(donation=collected[0], by=world.social_member)

    assert twice.value.code == "collective_exists" and first.number in twice.value.message
    assert individually.value.code == "receipt_exists"
    # A reissue takes in what was confirmed since.
    new = services.receipt_cancel_and_reissue(
        receipt=first, by=world.social_admin, reason="Nachtrag November"
    )
    assert new.amount == Decimal("170.50") and new.replaces == first
    assert later.pk in set(new.items.values_list("donation_id", flat=True))
    assert Receipt.objects.filter(kind="collective", cancelled_at__isnull=True).get() == new


def test_nothing_to_collect_is_a_conflict_and_only_admins_issue(world):
    key = f"org:{world.company.pk}"
    with pytest.raises(Conflict) as nothing:
        services.collective_receipt_issue(
            organisation=world.social, by=world.social_admin, donor_key=key, year=LAST
        )
    assert nothing.value.code == "nothing_to_confirm"
    _last_years_donations(world)
    for person in (world.social_member, world.company_admin, world.coordinator):
        with pytest.raises(NotAllowed):
            services.collective_receipt_issue(
                organisation=world.social, by=person, donor_key=key, year=LAST
            )
    assert not Receipt.objects.filter(kind="collective").exists()


def test_the_due_list_and_issuing_through_the_api(world, client_for, send):
    _last_years_donations(world)
    admin = client_for(world.social_admin)
    due_url = f"/api/v1/donations/collective-receipts/due/?year={LAST}"

    due = admin.get(due_url)

    assert due.status_code == 200, due.content
    rows = {row["donor_name"]: row for row in due.json()["results"]}
    assert set(rows) == {"Kiezbäckerei Wassertor GmbH", "Erika Mustermann"}
    assert rows["Kiezbäckerei Wassertor GmbH"]["donations"] == 2
    assert rows["Kiezbäckerei Wassertor GmbH"]["total"] == "150.50"
    assert rows["Erika Mustermann"]["donor_organisation"] is None

    by_company = send(
        admin,
        "post",
        "/api/v1/donations/collective-receipts/",
        {"year": LAST, "donor_organisation": world.company.pk},
    )
    by_key = send(
        admin,
        "post",
        "/api/v1/donations/collective-receipts/",
        {"year": LAST, "donor_key": rows["Erika Mustermann"]["donor_key"]},
    )

    assert by_company.status_code == 201, by_company.content
    assert by_company.json()["amount"] == "150.50" and by_company.json()["kind"] == "collective"
    assert by_key.status_code == 201 and by_key.json()["donor_name"] == "Erika Mustermann"
    assert admin.get(due_url).json()["results"] == []
    member = send(
        client_for(world.social_member),
        "post",
        "/api/v1/donations/collective-receipts/",
        {"year": LAST, "donor_organisation": world.company.pk},
    )
    assert member.status_code == 403
    assert (
        client_for(world.outsider).get(due_url + f"&organisation={world.social.pk}").status_code
        == 404
    )


def test_in_january_each_organisation_is_offered_its_donors_once(world, committed):
    _last_years_donations(world)
    mail.outbox.clear()

    offered = committed(services.collective_receipt_offers_send, today=dt.date(YEAR, 1, 10))

    assert offered == 1
    [message] = mail.outbox
    assert message.to == [world.social_admin.email]
    assert f"Sammelbestätigungen für {LAST}: 2" in message.subject
    assert "Kiezbäckerei Wassertor GmbH: 2 Spenden, zusammen 150,50 €" in message.body
    assert "Erika Mustermann: 1 Spende, zusammen 11,00 €" in message.body
    # Daily runs in January send nothing new; outside January nothing runs.
    mail.outbox.clear()
    committed(services.collective_receipt_offers_send, today=dt.date(YEAR, 1, 11))
    assert committed(services.collective_receipt_offers_send, today=dt.date(YEAR, 2, 1)) == 0
    assert mail.outbox == []


def test_the_beat_task_is_scheduled_and_quiet_outside_january(world):
    entry = settings.CELERY_BEAT_SCHEDULE["donations-offer-collective-receipts"]

    assert entry["task"] == "donations.tasks.offer_collective_receipts"
    if dt.date.today().month != 1:
        assert tasks.offer_collective_receipts() == 0


def test_the_due_list_pages_forward_and_back_like_every_list(world, client_for):
    _last_years_donations(world)
    admin = client_for(world.social_admin)
    url = f"/api/v1/donations/collective-receipts/due/?year={LAST}&page_size=1"

    first = admin.get(url).json()
    second = admin.get(first["next"]).json()
    back = admin.get(second["previous"]).json()

    assert [len(first["results"]), len(second["results"])] == [1, 1]
    assert second["next"] is None and first["previous"] is None
    names = [first["results"][0]["donor_name"], second["results"][0]["donor_name"]]
    assert names == sorted(names) == ["Erika Mustermann", "Kiezbäckerei Wassertor GmbH"]
    assert back["results"] == first["results"] and back["previous"] is None
