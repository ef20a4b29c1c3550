"""The receipts read back from their PDFs (pypdf): every field the official templates (BMF,
§ 50 EStDV) require, the amount in words, one A4 page, and the stored hash.

Given a company's donation confirmed by a social organisation with its tax-exemption data, when
the receipt is issued, then its PDF says what a tax office expects, in the official wording.
"""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from donations import services
from donations.models import ReceiptKind

from .support import (
    OFFICE,
    TAX_NUMBER,
    confirm,
    days_ago,
    pdf_pages,
    pdf_text,
    receipt_of,
    record_goods,
    record_money,
    record_private,
)

pytestmark = pytest.mark.django_db

TITLE_MONEY = "Bestätigung über Geldzuwendungen/Mitgliedsbeitrag"
TITLE_GOODS = "Bestätigung über Sachzuwendungen"
SUBTITLE = (
    "im Sinne des § 10b des Einkommensteuergesetzes an eine der in § 5 Abs. 1 Nr. 9 des "
    "Körperschaftsteuergesetzes bezeichneten Körperschaften, Personenvereinigungen oder "
    "Vermögensmassen"
)
LIABILITY = (
    "Hinweis: Wer vorsätzlich oder grob fahrlässig eine unrichtige Zuwendungsbestätigung "
    "erstellt oder veranlasst, dass Zuwendungen nicht zu den in der Zuwendungsbestätigung "
    "angegebenen steuerbegünstigten Zwecken verwendet werden, haftet für die entgangene Steuer "
    "(§ 10b Absatz 4 EStG, § 9 Absatz 3 KStG, § 9 Nummer 5 GewStG)."
)
VALIDITY = (
    "Diese Bestätigung wird nicht als Nachweis für die steuerliche Berücksichtigung der "
    "Zuwendung anerkannt, wenn das Datum des Freistellungsbescheides länger als 5 Jahre bzw. "
    "das Datum der Feststellung der Einhaltung der satzungsmäßigen Voraussetzungen nach § 60a "
    "Abs. 1 AO länger als 3 Jahre seit Ausstellung des Bescheides zurückliegt (§ 63 Abs. 5 AO)."
)
USE = "Es wird bestätigt, dass die Zuwendung nur zur Förderung der Jugendhilfe und der Altenhilfe verwendet wird."  # noqa: E501
MACHINE = "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig."
SIGNATURE = "(Ort, Datum und Unterschrift des Zuwendungsempfängers)"


def _freistellung(world) -> str:
    notice = world.exemption.notice_date
    return (
        "Wir sind wegen Förderung der Jugendhilfe und der Altenhilfe nach dem "
        "Freistellungsbescheid bzw. nach der Anlage zum Körperschaftsteuerbescheid des "
        f"Finanzamtes für Körperschaften I Berlin, StNr. {TAX_NUMBER}, vom {notice:%d.%m.%Y} "
        f"für den letzten Veranlagungszeitraum {notice.year - 1} nach § 5 Abs. 1 Nr. 9 des "
        "Körperschaftsteuergesetzes von der Körperschaftsteuer und nach § 3 Nr. 6 des "
        "Gewerbesteuergesetzes von der Gewerbesteuer befreit."
    )


def _one_page(content: bytes) -> None:
    reader = PdfReader(io.BytesIO(bytes(content)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4: 210 × 297 mm in points.
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_a_money_receipt_has_every_mandatory_field_on_one_page(world):
    donation = confirm(world, record_money(world, "1322.00", donated_on=days_ago(3)))
    receipt = receipt_of(donation)

    _one_page(receipt.pdf)
    text = pdf_text(receipt.pdf)
    today = dt.date.today()
    for expected in [
        # issuer: name and address of the receiving organisation
        "Aussteller (Bezeichnung und Anschrift der steuerbegünstigten Einrichtung)",
        "Nachbarschaftshaus am Wassertor e.V. Wassertorstraße 48 10969 Berlin",
        f"Nr. {today.year}-0001",
        TITLE_MONEY,
        SUBTITLE,
        # donor
        "Name und Anschrift des Zuwendenden: Kiezbäckerei Wassertor GmbH Oranienstraße 12 "
        "10999 Berlin",
        # amount in figures and words, date
        "1.322,00 €",
        "eintausenddreihundertzweiundzwanzig Euro",
        f"Tag der Zuwendung: {days_ago(3):%d.%m.%Y}",
        "Es handelt sich um den Verzicht auf Erstattung von Aufwendungen: Nein",
        _freistellung(world),
        USE,
        # place and date, machine signature with the notice to the tax office
        f"Berlin, {today:%d.%m.%Y}",
        f"Die maschinelle Erstellung von Zuwendungsbestätigungen wurde dem {OFFICE} angezeigt.",
        MACHINE,
        LIABILITY,
        VALIDITY,
    ]:
        assert expected in text, expected
    assert "– in Buchstaben –" in text and "in Ziffern" in text
    assert SIGNATURE not in text
    assert receipt.kind == ReceiptKind.MONEY and receipt.machine_signed
    assert receipt.sha256 == hashlib.sha256(bytes(receipt.pdf)).hexdigest()


def test_cents_and_the_waiver_are_printed_as_given(world):
    donation = confirm(world, record_money(world, "1322.50", waiver=True))

    text = pdf_text(receipt_of(donation).pdf)

    assert "1.322,50 €" in text
    assert "eintausenddreihundertzweiundzwanzig Euro und fünfzig Cent" in text
    assert "Es handelt sich um den Verzicht auf Erstattung von Aufwendungen: Ja" in text


def test_without_notice_to_the_tax_office_the_receipt_has_a_signature_line(world):
    world.exemption.machine_receipts_notified = False
    world.exemption.save()

    donation = confirm(world, record_money(world, "50.00"))
    receipt = receipt_of(donation)
    text = pdf_text(receipt.pdf)

    assert not receipt.machine_signed
    assert SIGNATURE in text
    assert MACHINE not in text and "maschinelle Erstellung" not in text


def test_a_section_60a_notice_is_cited_in_its_own_wording(world):
    world.exemption.notice_kind = "feststellung_60a"
    world.exemption.notice_date = days_ago(400)
    world.exemption.save()

    text = pdf_text(receipt_of(confirm(world, record_money(world))).pdf)

    assert (
        "Die Einhaltung der satzungsmäßigen Voraussetzungen nach den §§ 51, 59, 60 und 61 AO "
        f"wurde vom {OFFICE}, StNr. {TAX_NUMBER}, mit Bescheid vom {days_ago(400):%d.%m.%Y} "
        "nach § 60a AO gesondert festgestellt. Wir fördern nach unserer Satzung der Jugendhilfe "
        "und der Altenhilfe."
    ) in text
    assert "Freistellungsbescheid bzw." not in text
    assert USE in text and VALIDITY in text


@pytest.mark.parametrize(
    ("origin", "statement"),
    [
        (
            "business",
            "Die Sachzuwendung stammt nach den Angaben des Zuwendenden aus dem "
            "Betriebsvermögen. Die Zuwendung wurde nach dem Wert der Entnahme (ggf. mit dem "
            "niedrigeren gemeinen Wert) und nach der Umsatzsteuer, die auf die Entnahme "
            "entfällt, bewertet.",
        ),
        (
            "private",
            "Die Sachzuwendung stammt nach den Angaben des Zuwendenden aus dem Privatvermögen. "
            "Die Zuwendung wurde mit dem gemeinen Wert (Marktwert) bewertet.",
        ),
        (
            "not_stated",
            "Der Zuwendende hat trotz Aufforderung keine Angaben zur Herkunft der "
            "Sachzuwendung gemacht.",
        ),
    ],
)
def test_a_goods_receipt_has_description_origin_and_valuation(world, origin, statement):
    donation = confirm(world, record_goods(world, "480.00", origin=origin))
    receipt = receipt_of(donation)

    _one_page(receipt.pdf)
    text = pdf_text(receipt.pdf)
    for expected in [
        TITLE_GOODS,
        SUBTITLE,
        "Wert der Zuwendung – in Ziffern – 480,00 €",
        "vierhundertachtzig Euro",
        f"Tag der Zuwendung: {days_ago(5):%d.%m.%Y}",
        "Genaue Bezeichnung der Sachzuwendung mit Alter, Zustand, Kaufpreis usw.: "
        "Laptop Lenovo ThinkPad T14 mit Netzteil Alter: 2 Jahre; Zustand: gut, voll "
        "funktionsfähig; historischer Kaufpreis: 1.100,00 €",
        statement,
        "Geeignete Unterlagen, die zur Wertermittlung gedient haben, z. B. Rechnung, Gutachten, "
        "liegen vor.",
        _freistellung(world),
        USE,
        SIGNATURE,
        LIABILITY,
        VALIDITY,
    ]:
        assert expected in text, expected
    # Goods are never machine-signed, even though the tax office was told of machine receipts.
    assert not receipt.machine_signed and MACHINE not in text
    assert "Verzicht auf Erstattung" not in text


def test_goods_without_valuation_documents_say_so(world):
    donation = confirm(world, record_goods(world, valuation_documents=False, purchase_price=None))

    text = pdf_text(receipt_of(donation).pdf)

    assert "Unterlagen, die zur Wertermittlung gedient haben, liegen nicht vor." in text
    assert "Kaufpreis:" not in text


def test_a_private_donors_name_and_address_are_printed(world):
    donation = confirm(world, record_private(world, "25.00"))

    text = pdf_text(receipt_of(donation).pdf)

    assert "Erika Mustermann Skalitzer Straße 7 10997 Berlin" in text
    assert "fünfundzwanzig Euro" in text


def test_every_field_at_its_longest_still_fits_on_one_page(world):
    world.exemption.purposes = "Förderung " + "der Jugendhilfe, " * 117
    world.exemption.save()
    world.company.name = "K" * 200
    world.company.save()
    donation = record_goods(
        world,
        "9999999.99",
        description="Werkzeug " * 111,
        age="a" * 100,
        condition="Zustand " * 25,
        purchase_price=Decimal("9999999.99"),
        donor_address=("Hinterhof, Aufgang " * 26)[:500],
    )

    services.donation_confirm(donation=donation, by=world.social_admin)
    receipt = receipt_of(donation)

    _one_page(receipt.pdf)
    text = pdf_text(receipt.pdf)
    assert "neun Millionen neunhundertneunundneunzigtausendneunhundertneunundneunzig Euro" in text
    assert VALIDITY in text


def test_the_receipt_is_german_whatever_language_the_person_reads(world):
    from django.utils import translation

    world.social_member.language = "en"
    world.social_member.save()
    with translation.override("en"):
        donation = confirm(world, record_money(world, "40.00"))

    text = pdf_pages(receipt_of(donation).pdf)[0]
    assert TITLE_MONEY in text and "vierzig Euro" in text and LIABILITY in text
