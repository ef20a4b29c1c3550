"""Receipts (Zuwendungsbestätigungen) and participation confirmations as PDF.

The wording follows the official templates of the Federal Ministry of Finance (BMF, § 50 EStDV)
for money and for goods given to domestic tax-privileged bodies (§ 5 Abs. 1 Nr. 9 KStG), and
the collective receipt (Sammelbestätigung) with its annex. Only the statements that apply are
printed (the chosen answer instead of a box to tick), which the BMF allows.

Drawn straight on a reportlab canvas with the standard Helvetica fonts (no font files to embed
or parse), which keeps one receipt at a few milliseconds. A receipt is one A4 page: the text
is laid out once to measure it at a base size and, if it would run over, again a size
smaller. A collective receipt is that page plus its annex (as many pages as the list needs).

This module knows nothing of the database: services.py hands it plain `ReceiptDocument`s.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from .words import amount_in_words, euro

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TOP = PAGE_HEIGHT - 18 * mm
BOTTOM = 22 * mm  # the footer sits below this line
WIDTH = PAGE_WIDTH - 2 * MARGIN
REGULAR = "Helvetica"
BOLD = "Helvetica-Bold"
GREY = (0.35, 0.35, 0.35)
# Base font sizes tried in turn until the page fits.
SIZES = (9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5)
DATE = "%d.%m.%Y"

# --- the official wording ---------------------------------------------------------------------

ISSUER_LABEL = "Aussteller (Bezeichnung und Anschrift der steuerbegünstigten Einrichtung)"
TITLE_MONEY = "Bestätigung über Geldzuwendungen/Mitgliedsbeitrag"
TITLE_GOODS = "Bestätigung über Sachzuwendungen"
TITLE_COLLECTIVE = "Sammelbestätigung über Geldzuwendungen/Mitgliedsbeiträge"
SUBTITLE = (
    "im Sinne des § 10b des Einkommensteuergesetzes an eine der in § 5 Abs. 1 Nr. 9 des "
    "Körperschaftsteuergesetzes bezeichneten Körperschaften, Personenvereinigungen oder "
    "Vermögensmassen"
)
DONOR_LABEL = "Name und Anschrift des Zuwendenden:"
WAIVER = "Es handelt sich um den Verzicht auf Erstattung von Aufwendungen: {answer}"
WAIVER_COLLECTIVE = (
    "Ob es sich um den Verzicht auf Erstattung von Aufwendungen handelt, ist der Anlage zur "
    "Sammelbestätigung zu entnehmen."
)
GOODS_LABEL = "Genaue Bezeichnung der Sachzuwendung mit Alter, Zustand, Kaufpreis usw.:"
ORIGIN = {
    "business": (
        "Die Sachzuwendung stammt nach den Angaben des Zuwendenden aus dem Betriebsvermögen. "
        "Die Zuwendung wurde nach dem Wert der Entnahme (ggf. mit dem niedrigeren gemeinen "
        "Wert) und nach der Umsatzsteuer, die auf die Entnahme entfällt, bewertet."
    ),
    "private": (
        "Die Sachzuwendung stammt nach den Angaben des Zuwendenden aus dem Privatvermögen. "
        "Die Zuwendung wurde mit dem gemeinen Wert (Marktwert) bewertet."
    ),
    "not_stated": (
        "Der Zuwendende hat trotz Aufforderung keine Angaben zur Herkunft der Sachzuwendung "
        "gemacht. Die Zuwendung wurde mit dem gemeinen Wert (Marktwert) bewertet."
    ),
}
DOCUMENTS = {
    True: (
        "Geeignete Unterlagen, die zur Wertermittlung gedient haben, z. B. Rechnung, "
        "Gutachten, liegen vor."
    ),
    False: "Unterlagen, die zur Wertermittlung gedient haben, liegen nicht vor.",
}
FREISTELLUNG = (
    "Wir sind wegen Förderung {purposes} nach dem Freistellungsbescheid bzw. nach der Anlage "
    "zum Körperschaftsteuerbescheid des {office_genitive}, StNr. {tax_number}, vom {date} für "
    "den letzten Veranlagungszeitraum {period} nach § 5 Abs. 1 Nr. 9 des "
    "Körperschaftsteuergesetzes von der Körperschaftsteuer und nach § 3 Nr. 6 des "
    "Gewerbesteuergesetzes von der Gewerbesteuer befreit."
)
FESTSTELLUNG_60A = (
    "Die Einhaltung der satzungsmäßigen Voraussetzungen nach den §§ 51, 59, 60 und 61 AO wurde "
    "vom {office}, StNr. {tax_number}, mit Bescheid vom {date} nach § 60a AO gesondert "
    "festgestellt. Wir fördern nach unserer Satzung {purposes}."
)
USE = "Es wird bestätigt, dass die Zuwendung nur zur Förderung {purposes} verwendet wird."
NO_OTHER_RECEIPTS = (
    "Es wird bestätigt, dass über die in der Gesamtsumme enthaltenen Zuwendungen keine weiteren "
    "Bestätigungen, weder formelle Zuwendungsbestätigungen noch Beitragsquittungen oder "
    "ähnliches ausgestellt wurden und werden."
)
SIGNATURE_CAPTION = "(Ort, Datum und Unterschrift des Zuwendungsempfängers)"
MACHINE_SIGNED = (
    "Die maschinelle Erstellung von Zuwendungsbestätigungen wurde dem {office} angezeigt. "
    "Diese Zuwendungsbestätigung wurde maschinell erstellt und ist ohne Unterschrift gültig."
)
NOTICE_LABEL = "Hinweis:"
LIABILITY = (
    "Wer vorsätzlich oder grob fahrlässig eine unrichtige Zuwendungsbestätigung erstellt oder "
    "veranlasst, dass Zuwendungen nicht zu den in der Zuwendungsbestätigung angegebenen "
    "steuerbegünstigten Zwecken verwendet werden, haftet für die entgangene Steuer (§ 10b "
    "Absatz 4 EStG, § 9 Absatz 3 KStG, § 9 Nummer 5 GewStG)."
)
VALIDITY = (
    "Diese Bestätigung wird nicht als Nachweis für die steuerliche Berücksichtigung der "
    "Zuwendung anerkannt, wenn das Datum des Freistellungsbescheides länger als 5 Jahre bzw. "
    "das Datum der Feststellung der Einhaltung der satzungsmäßigen Voraussetzungen nach § 60a "
    "Abs. 1 AO länger als 3 Jahre seit Ausstellung des Bescheides zurückliegt (§ 63 Abs. 5 AO)."
)
ANNEX_TITLE = "Anlage zur Sammelbestätigung Nr. {number}"
ANNEX_HEADERS = (
    "Datum der Zuwendung",
    "Art der Zuwendung (Geldzuwendung/Mitgliedsbeitrag)",
    "Verzicht auf die Erstattung von Aufwendungen (ja/nein)",
    "Betrag",
)
ANNEX_TOTAL = "Gesamtsumme"


# --- what a receipt says ----------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    name: str
    address_lines: tuple[str, ...]
    city: str


@dataclass(frozen=True)
class Exemption:
    notice_kind: str  # "freistellung" | "feststellung_60a"
    tax_office: str
    tax_number: str
    notice_date: date
    purposes: str
    period: str  # the assessment period a Freistellungsbescheid covers


@dataclass(frozen=True)
class Goods:
    description: str
    age: str
    condition: str
    purchase_price: Decimal | None
    origin: str  # "business" | "private" | "not_stated"
    valuation_documents: bool


@dataclass(frozen=True)
class AnnexLine:
    donated_on: date
    kind_label: str  # "Geldzuwendung" | "Mitgliedsbeitrag"
    waiver: bool
    amount: Decimal


@dataclass(frozen=True)
class ReceiptDocument:
    kind: str  # "money" | "goods" | "collective"
    number: str
    issuer: Issuer
    donor_name: str
    donor_address: str
    amount: Decimal
    exemption: Exemption
    issued_on: date
    machine_signed: bool
    donated_on: date | None = None
    period: tuple[date, date] | None = None
    waiver: bool = False
    goods: Goods | None = None
    replaces: str = ""  # "2026-0001 vom 03.02.2026" when this receipt corrects another
    annex: tuple[AnnexLine, ...] = field(default=())


@dataclass(frozen=True)
class ParticipationDocument:
    number: str
    company_name: str
    company_address: str
    organisation_name: str
    organisation_address: str
    organisation_city: str
    action_title: str
    when: str
    place: str
    task: str
    volunteers: int
    hours: Decimal
    hours_confirmed_on: date | None
    issued_on: date


# --- text helpers -----------------------------------------------------------------------------


def purposes_text(purposes: str) -> str:
    """The purposes after "wegen Förderung" / "zur Förderung": a leading "Förderung" that the
    organisation wrote itself is not doubled ("Förderung der Jugendhilfe")."""
    text = " ".join(purposes.split())
    for lead in ("Förderung ", "förderung "):
        if text.startswith(lead):
            return text[len(lead) :]
    return text


def office_nominative(office: str) -> str:
    """ "Finanzamt Friedrichshain-Kreuzberg" for "vom …"; a bare "Kreuzberg" gets the word."""
    office = " ".join(office.split())
    return office if office.lower().startswith("finanzamt") else f"Finanzamt {office}"


def office_genitive(office: str) -> str:
    """ "des Finanzamtes Friedrichshain-Kreuzberg" for "… des {office}"."""
    office = office_nominative(office)
    return "Finanzamtes" + office[len("Finanzamt") :]


def exemption_text(exemption: Exemption) -> str:
    values = {
        "purposes": purposes_text(exemption.purposes),
        "tax_number": exemption.tax_number,
        "date": exemption.notice_date.strftime(DATE),
    }
    if exemption.notice_kind == "feststellung_60a":
        return FESTSTELLUNG_60A.format(office=office_nominative(exemption.tax_office), **values)
    return FREISTELLUNG.format(
        office_genitive=office_genitive(exemption.tax_office), period=exemption.period, **values
    )


def goods_details(goods: Goods) -> str:
    parts = []
    if goods.age:
        parts.append(f"Alter: {goods.age}")
    if goods.condition:
        parts.append(f"Zustand: {goods.condition}")
    if goods.purchase_price is not None:
        parts.append(f"historischer Kaufpreis: {euro(goods.purchase_price)}")
    return "; ".join(parts)


def hours_text(hours: Decimal) -> str:
    """12.00 → "12", 7.50 → "7,5"."""
    text = f"{hours.normalize():f}"
    return text.replace(".", ",")


# A line never breaks between "§" (or "Abs.", "Nr.") and its number.
_GLUED = ("§§ ", "§ ", "Abs. ", "Nr. ")


def _keep_together(text: str) -> str:
    for glued in _GLUED:
        text = text.replace(glued, glued[:-1] + "\xa0")
    return text


@lru_cache(maxsize=4096)
def _wrapped(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """The text broken into lines that fit `width`. Cached: most of a receipt (the legal
    notices, the issuer, the tax-exemption paragraph) is the same from one receipt to the
    next, and measuring text is the slowest part of drawing it."""
    lines: list[str] = []
    for paragraph in _keep_together(text).split("\n"):
        lines.extend(simpleSplit(paragraph, font, size, width) or [""])
    return tuple(lines)


def _lines(text: str) -> list[str]:
    return [line for line in (part.strip() for part in text.splitlines()) if line]


# --- layout -----------------------------------------------------------------------------------


class _Page:
    """Draws top-down from TOP. With `canvas=None` it only measures (same arithmetic)."""

    def __init__(self, canvas: Canvas | None, size: float):
        self.canvas = canvas
        self.size = size
        self.y = TOP

    def gap(self, factor: float = 1.0) -> None:
        self.y -= self.size * factor

    def text(
        self,
        text: str,
        *,
        bold: bool = False,
        scale: float = 1.0,
        x: float = MARGIN,
        width: float = WIDTH,
        grey: bool = False,
    ) -> None:
        font, size = (BOLD if bold else REGULAR), self.size * scale
        leading = size * 1.28
        for line in _wrapped(text, font, size, width):
            self.y -= leading
            if self.canvas is not None:
                self.canvas.setFont(font, size)
                if grey:
                    self.canvas.setFillColorRGB(*GREY)
                self.canvas.drawString(x, self.y + leading * 0.22, line)
                if grey:
                    self.canvas.setFillColorRGB(0, 0, 0)

    def columns(self, cells: Sequence[tuple[str, str]], widths: Sequence[float]) -> None:
        """A row of labelled cells side by side (label small and grey, value below it)."""
        top, lowest, x = self.y, self.y, MARGIN
        for (label, value), share in zip(cells, widths, strict=True):
            width = WIDTH * share
            self.y = top
            self.text(label, scale=0.8, x=x + 2, width=width - 6, grey=True)
            self.text(value, bold=True, x=x + 2, width=width - 6)
            lowest = min(lowest, self.y)
            x += width
        self.y = lowest - self.size * 0.4
        if self.canvas is not None:
            self.canvas.setLineWidth(0.5)
            self.canvas.rect(MARGIN, self.y, WIDTH, top - self.y)
            x = MARGIN
            for share in widths[:-1]:
                x += WIDTH * share
                self.canvas.line(x, self.y, x, top)

    def boxed(self, label: str, value: str) -> None:
        top = self.y
        self.text(label, scale=0.8, x=MARGIN + 2, width=WIDTH - 6, grey=True)
        self.text(value, bold=True, x=MARGIN + 2, width=WIDTH - 6)
        self.y -= self.size * 0.4
        if self.canvas is not None:
            self.canvas.setLineWidth(0.5)
            self.canvas.rect(MARGIN, self.y, WIDTH, top - self.y)

    def rule(self) -> None:
        if self.canvas is not None:
            self.canvas.setLineWidth(0.5)
            self.canvas.line(MARGIN, self.y, MARGIN + WIDTH, self.y)


def _footer(canvas: Canvas, text: str, page: int, pages: int) -> None:
    canvas.setFont(REGULAR, 7)
    canvas.setFillColorRGB(*GREY)
    canvas.drawString(MARGIN, 12 * mm, text)
    canvas.drawRightString(MARGIN + WIDTH, 12 * mm, f"Seite {page} von {pages}")
    canvas.setFillColorRGB(0, 0, 0)


def _fit(draw, canvas: Canvas) -> None:
    """Draw with the largest base size at which the page's text ends above BOTTOM."""
    for size in SIZES:
        page = _Page(None, size)
        draw(page)
        if page.y >= BOTTOM:
            break
    else:
        raise ValueError("the text does not fit on one page")
    draw(_Page(canvas, size))


def _new_canvas(buffer: io.BytesIO, *, title: str, author: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Kiezmarkt")
    return canvas


# --- receipts ---------------------------------------------------------------------------------


def _receipt_page(doc: ReceiptDocument, page: _Page) -> None:
    issuer = doc.issuer
    page.text(ISSUER_LABEL, scale=0.8, grey=True)
    page.text(issuer.name, bold=True, scale=1.1)
    page.text("\n".join(issuer.address_lines))
    if page.canvas is not None:
        page.canvas.setFont(BOLD, page.size)
        page.canvas.drawRightString(MARGIN + WIDTH, TOP - page.size * 1.3, f"Nr. {doc.number}")
    page.gap(1.2)

    title = {"money": TITLE_MONEY, "goods": TITLE_GOODS, "collective": TITLE_COLLECTIVE}
    page.text(title[doc.kind], bold=True, scale=1.45)
    page.text(SUBTITLE)
    if doc.replaces:
        page.gap(0.3)
        page.text(
            f"Diese Bestätigung ersetzt die stornierte Zuwendungsbestätigung Nr. {doc.replaces}.",
            bold=True,
        )
    page.gap(0.8)

    page.boxed(DONOR_LABEL, "\n".join([doc.donor_name, *_lines(doc.donor_address)]))
    page.gap(0.6)
    if doc.kind == "collective":
        start, end = doc.period
        figures_label, when_label = (
            "Gesamtbetrag der Zuwendung – in Ziffern –",
            "Zeitraum der Sammelbestätigung:",
        )
        when = f"{start:{DATE}} – {end:{DATE}}"
    else:
        figures_label = (
            "Wert der Zuwendung – in Ziffern –"
            if doc.kind == "goods"
            else "Betrag der Zuwendung – in Ziffern –"
        )
        when_label, when = "Tag der Zuwendung:", doc.donated_on.strftime(DATE)
    page.columns(
        [
            (figures_label, euro(doc.amount)),
            ("– in Buchstaben –", amount_in_words(doc.amount)),
            (when_label, when),
        ],
        (0.24, 0.52, 0.24),
    )
    page.gap(0.8)

    if doc.kind == "money":
        page.text(WAIVER.format(answer="Ja" if doc.waiver else "Nein"))
        page.gap(0.6)
    elif doc.kind == "collective":
        page.text(WAIVER_COLLECTIVE)
        page.gap(0.6)
    else:
        goods = doc.goods
        details = goods_details(goods)
        page.boxed(GOODS_LABEL, goods.description + (f"\n{details}" if details else ""))
        page.gap(0.6)
        page.text(ORIGIN[goods.origin])
        page.text(DOCUMENTS[goods.valuation_documents])
        page.gap(0.6)

    page.text(exemption_text(doc.exemption))
    page.gap(0.6)
    page.text(USE.format(purposes=purposes_text(doc.exemption.purposes)))
    if doc.kind == "collective":
        page.gap(0.6)
        page.text(NO_OTHER_RECEIPTS)
    page.gap(1.6)

    page.text(f"{issuer.city}, {doc.issued_on:{DATE}}")
    if doc.machine_signed:
        page.gap(0.3)
        page.text(MACHINE_SIGNED.format(office=office_nominative(doc.exemption.tax_office)))
    else:
        page.gap(2.4)
        page.rule()
        page.text(SIGNATURE_CAPTION, scale=0.8, grey=True)
    page.gap(1.4)

    page.text(NOTICE_LABEL, bold=True, scale=0.9)
    page.text(LIABILITY, scale=0.9)
    page.gap(0.5)
    page.text(VALIDITY, scale=0.9)


ANNEX_WIDTHS = (0.2, 0.35, 0.28, 0.17)
ANNEX_SIZE = 9.0


def _annex_header(canvas: Canvas, doc: ReceiptDocument, y: float, first: bool) -> float:
    canvas.setFont(BOLD, 12)
    canvas.drawString(MARGIN, y, ANNEX_TITLE.format(number=doc.number))
    y -= 16
    if first:
        canvas.setFont(REGULAR, ANNEX_SIZE)
        canvas.drawString(
            MARGIN, y, f"Zuwendender: {doc.donor_name}, Aussteller: {doc.issuer.name}"
        )
        y -= 16
    x = MARGIN
    canvas.setFont(BOLD, ANNEX_SIZE * 0.9)
    tallest = 0
    for header, share in zip(ANNEX_HEADERS, ANNEX_WIDTHS, strict=True):
        lines = simpleSplit(header, BOLD, ANNEX_SIZE * 0.9, WIDTH * share - 6)
        for index, line in enumerate(lines):
            canvas.drawString(x + 2, y - index * ANNEX_SIZE * 1.1, line)
        tallest = max(tallest, len(lines))
        x += WIDTH * share
    y -= tallest * ANNEX_SIZE * 1.1
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y + 3, MARGIN + WIDTH, y + 3)
    return y - ANNEX_SIZE * 1.2


def _annex_row(canvas: Canvas, cells: Sequence[str], y: float, *, bold: bool = False) -> None:
    canvas.setFont(BOLD if bold else REGULAR, ANNEX_SIZE)
    x = MARGIN
    for index, (cell, share) in enumerate(zip(cells, ANNEX_WIDTHS, strict=True)):
        if index == len(cells) - 1:
            canvas.drawRightString(x + WIDTH * share - 2, y, cell)
        else:
            canvas.drawString(x + 2, y, cell)
        x += WIDTH * share


ANNEX_ROWS_FIRST = 56
ANNEX_ROWS_NEXT = 58


def _annex_pages(count: int) -> int:
    rows = count + 1  # the total
    if rows <= ANNEX_ROWS_FIRST:
        return 1
    return 1 + -(-(rows - ANNEX_ROWS_FIRST) // ANNEX_ROWS_NEXT)


def _draw_annex(canvas: Canvas, doc: ReceiptDocument, footer: str, pages: int) -> None:
    entries: list[tuple[str, ...] | None] = [
        (
            line.donated_on.strftime(DATE),
            line.kind_label,
            "ja" if line.waiver else "nein",
            euro(line.amount),
        )
        for line in doc.annex
    ]
    entries.append(None)  # the total, after the last row
    position, page_number, first = 0, 2, True
    while position < len(entries):
        y = _annex_header(canvas, doc, TOP, first)
        capacity = ANNEX_ROWS_FIRST if first else ANNEX_ROWS_NEXT
        for entry in entries[position : position + capacity]:
            if entry is None:
                canvas.line(MARGIN, y + ANNEX_SIZE * 1.05, MARGIN + WIDTH, y + ANNEX_SIZE * 1.05)
                _annex_row(canvas, (ANNEX_TOTAL, "", "", euro(doc.amount)), y, bold=True)
            else:
                _annex_row(canvas, entry, y)
            y -= ANNEX_SIZE * 1.25
        position += capacity
        _footer(canvas, footer, page_number, pages)
        if position < len(entries):
            canvas.showPage()
            page_number, first = page_number + 1, False


def render_receipt(doc: ReceiptDocument) -> bytes:
    """The receipt as PDF bytes: one A4 page, plus the annex pages of a collective receipt.

    Raises ValueError if the page cannot hold the text even at the smallest size (the
    services bound every field so that it always can), or if a collective receipt's annex
    does not add up to its amount.
    """
    if doc.kind == "collective" and sum(line.amount for line in doc.annex) != doc.amount:
        raise ValueError("the annex does not add up to the receipt's amount")
    buffer = io.BytesIO()
    title = f"Zuwendungsbestätigung Nr. {doc.number}"
    canvas = _new_canvas(buffer, title=title, author=doc.issuer.name)
    pages = 1 + (_annex_pages(len(doc.annex)) if doc.kind == "collective" else 0)
    footer = f"{title} · {doc.issuer.name}"
    _fit(lambda page: _receipt_page(doc, page), canvas)
    _footer(canvas, footer, 1, pages)
    if doc.kind == "collective":
        canvas.showPage()
        _draw_annex(canvas, doc, footer, pages)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- participation confirmation ---------------------------------------------------------------

PARTICIPATION_TITLE = "Teilnahmebestätigung"
NOT_A_RECEIPT = (
    "Diese Teilnahmebestätigung ist keine Zuwendungsbestätigung (Spendenbescheinigung) im Sinne "
    "des § 10b des Einkommensteuergesetzes und des § 50 EStDV. Unentgeltlich geleistete Arbeit "
    "(Zeitspenden) und das Verleihen von Gegenständen sind keine abziehbaren Zuwendungen; für "
    "sie wird keine Zuwendungsbestätigung ausgestellt."
)


def _participation_page(doc: ParticipationDocument, page: _Page) -> None:
    page.text(doc.organisation_name, bold=True, scale=1.1)
    page.text(doc.organisation_address)
    if page.canvas is not None:
        page.canvas.setFont(BOLD, page.size)
        page.canvas.drawRightString(MARGIN + WIDTH, TOP - page.size * 1.3, f"Nr. {doc.number}")
    page.gap(2)
    page.text(PARTICIPATION_TITLE, bold=True, scale=1.6)
    page.gap(1)
    page.boxed("Unternehmen:", "\n".join([doc.company_name, *_lines(doc.company_address)]))
    page.gap(1)
    page.text(
        f"{doc.organisation_name} bestätigt, dass {doc.company_name} an der "
        f"Freiwilligenaktion „{doc.action_title}“ teilgenommen hat."
    )
    page.gap(0.6)
    page.columns(
        [
            ("Termin:", doc.when),
            ("Freiwillige im Einsatz:", str(doc.volunteers)),
            ("Geleistete Stunden (insgesamt):", hours_text(doc.hours)),
        ],
        (0.44, 0.24, 0.32),
    )
    page.gap(0.6)
    if doc.place:
        page.text(f"Ort: {doc.place}")
    if doc.task:
        page.text(f"Aufgabe: {doc.task}")
    page.gap(0.4)
    if doc.hours_confirmed_on is not None:
        page.text(
            f"Die Stunden hat {doc.organisation_name} am {doc.hours_confirmed_on:{DATE}} bestätigt."
        )
    else:
        page.text(
            f"Die Stunden hat das Unternehmen angegeben; {doc.organisation_name} hat sie noch "
            "nicht bestätigt."
        )
    page.gap(1.2)
    page.text(NOT_A_RECEIPT, bold=True)
    page.gap(1.6)
    page.text(f"{doc.organisation_city}, {doc.issued_on:{DATE}}")
    page.text("Diese Bestätigung wurde über Kiezmarkt erstellt und ist ohne Unterschrift gültig.")


def render_participation(doc: ParticipationDocument) -> bytes:
    """A participation confirmation for a completed volunteer action, one A4 page."""
    buffer = io.BytesIO()
    title = f"{PARTICIPATION_TITLE} Nr. {doc.number}"
    canvas = _new_canvas(buffer, title=title, author=doc.organisation_name)
    _fit(lambda page: _participation_page(doc, page), canvas)
    _footer(canvas, f"{title} · keine Zuwendungsbestätigung", 1, 1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
