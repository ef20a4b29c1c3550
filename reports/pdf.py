"""The report as PDF (reportlab): the figures with their definitions, the month-by-month chart,
the network picture and the per-organisation table, as an annex to the funder's report; and a
company's one-page Engagement-Bericht."""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .charts import monthly_chart, network_picture
from .figures import Report, label_of, units
from .formatting import show

# The per-organisation table in the PDF: the columns that fit an A4 page.
PDF_TABLE_KEYS = [
    "volunteer_bookings",
    "hours_confirmed",
    "hours_value",
    "loans",
    "unit_days",
    "hires",
    "money",
    "goods",
    "partners",
]
GREEN = colors.HexColor("#2f7d4f")


def _styles():
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontSize=18, alignment=0),
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], textColor=GREEN, spaceBefore=8),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=7.5, leading=9),
        "cell": ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=7, leading=8.5),
    }


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 7.5)
    canvas.setFillColor(colors.grey)
    canvas.drawString(18 * mm, 10 * mm, doc.title)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Seite %(n)s") % {"n": doc.page})
    canvas.restoreState()


def _document(buffer, title: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Kiezmarkt",
    )


def _figures_table(report: Report, styles) -> list:
    story = []
    for group in report.groups:
        story.append(Paragraph(_escape(group.title), styles["h2"]))
        if group.pending:
            story.append(
                Paragraph(
                    _(
                        "Wird erfasst, sobald Veranstaltungen und Arbeitsgruppen im Kiezmarkt "
                        "geführt werden."
                    ),
                    styles["small"],
                )
            )
            continue
        data = [
            [
                Paragraph(
                    f"<b>{_escape(figure.label)}</b><br/>{_escape(figure.definition)}",
                    styles["small"],
                ),
                Paragraph(f"<b>{show(figure.value, figure.unit)}</b>", styles["body"]),
            ]
            for figure in group.figures
        ]
        table = Table(data, colWidths=[130 * mm, 44 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
                ]
            )
        )
        story.append(table)
    return story


def _image(png: bytes, width_mm: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth = width_mm * mm
    image.drawHeight = width_mm * mm * ratio
    return image


def _organisation_table(report: Report, styles) -> list:
    units_of = units()
    header = [Paragraph(_escape(_("Organisation")), styles["cell"])] + [
        Paragraph(_escape(label_of(key)), styles["cell"]) for key in PDF_TABLE_KEYS
    ]
    story = []
    for title, rows in (
        (_("Unternehmen (gebende Seite)"), report.company_rows),
        (_("Soziale Organisationen (empfangende Seite)"), report.social_rows),
    ):
        data = [header]
        for row in rows:
            # Plain strings, not Paragraphs: hundreds of rows stay quick to lay out.
            name = row.name if len(row.name) <= 34 else row.name[:33] + "…"
            data.append([name] + [show(row.values[key], units_of[key]) for key in PDF_TABLE_KEYS])
        data.append(
            [Paragraph(f"<b>{_escape(_('Summe'))}</b>", styles["cell"])]
            + [show(sum(row.values[key] for row in rows), units_of[key]) for key in PDF_TABLE_KEYS]
        )
        table = Table(data, colWidths=[42 * mm] + [14.6 * mm] * len(PDF_TABLE_KEYS), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 6.5),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREEN),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.6, GREEN),
                    ("FONTNAME", (1, -1), (-1, -1), "Helvetica-Bold"),
                ]
            )
        )
        story += [Paragraph(_escape(title), styles["h2"]), table]
    return story


def report_pdf(report: Report, *, title: str) -> bytes:
    """The whole report: figures and definitions, the charts, the network picture, and for the
    network report the per-organisation table."""
    styles = _styles()
    buffer = io.BytesIO()
    document = _document(buffer, f"{title} {report.period.label}")
    story = [
        Paragraph(_escape(title), styles["title"]),
        Paragraph(
            _escape(
                _("Zeitraum %(period)s (%(first)s bis %(last)s), erstellt am %(today)s")
                % {
                    "period": report.period.label,
                    "first": date_format(report.period.start_date, "SHORT_DATE_FORMAT"),
                    "last": date_format(report.period.last_day, "SHORT_DATE_FORMAT"),
                    "today": date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
                }
            ),
            styles["body"],
        ),
    ]
    if report.hour_rate is not None:
        story.append(
            Paragraph(
                _escape(
                    _("Aktueller Wert einer Freiwilligenstunde: %(rate)s")
                    % {"rate": show(report.hour_rate, "euros")}
                ),
                styles["small"],
            )
        )
    story += _figures_table(report, styles)
    story += [
        PageBreak(),
        Paragraph(_escape(_("Kooperationen je Monat")), styles["h2"]),
        _image(monthly_chart(report), 174),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(_escape(_("Das Netzwerk im Zeitraum")), styles["h2"]),
                _image(network_picture(report), 150),
            ]
        ),
    ]
    if report.rows:
        story += [PageBreak(), *_organisation_table(report, styles)]
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def engagement_pdf(report: Report, organisation) -> bytes:
    """A company's one-page Engagement-Bericht for its sustainability report: hours, their
    value, loans, donations and the partners it worked with."""
    styles = _styles()
    totals = report.totals
    buffer = io.BytesIO()
    title = _("Engagement-Bericht")
    document = _document(buffer, f"{title} {organisation.name} {report.period.label}")
    lines = [
        ("hours_confirmed", "hours"),
        ("hours_value", "euros"),
        ("volunteers", "count"),
        ("volunteer_bookings", "count"),
        ("loans", "count"),
        ("unit_days", "count"),
        ("hires", "count"),
        ("money", "euros"),
        ("goods", "euros"),
        ("pairs", "count"),
    ]
    data = [
        [Paragraph(_escape(label_of(key)), styles["body"]), show(totals[key], unit)]
        for key, unit in lines
    ]
    table = Table(data, colWidths=[120 * mm, 50 * mm])
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONTNAME", (1, 0), (1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey),
            ]
        )
    )
    partners = sorted({pair.social for pair in report.pairs})
    story = [
        Paragraph(_escape(f"{title}: {organisation.name}"), styles["title"]),
        Paragraph(
            _escape(_("Engagement im Kieznetzwerk, %(period)s") % {"period": report.period.label}),
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        table,
        Paragraph(_escape(_("Partnerorganisationen")), styles["h2"]),
        Paragraph(_escape(", ".join(partners) or _("keine im Zeitraum")), styles["body"]),
        Spacer(1, 6 * mm),
        Paragraph(
            _escape(
                _(
                    "Stunden: von der sozialen Organisation bestätigte Einsatzstunden; Wert: "
                    "Stunden mal dem Stundensatz, den die Netzwerk-Koordination festgelegt hat. "
                    "Zeit- und Sachleistungen wie Ausleihen sind keine steuerlich abziehbaren "
                    "Spenden. Erstellt mit Kiezmarkt am %(today)s."
                )
                % {"today": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}
            ),
            styles["small"],
        ),
    ]
    document.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
