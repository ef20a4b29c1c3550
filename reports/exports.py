"""CSV and XLSX exports of a report: the totals (with each figure's definition) and the
per-organisation table. The numbers are the report's own, unformatted (a dot before the
cents), so that a spreadsheet computes with them."""

import csv
import io

from django.utils.translation import gettext as _

from .figures import TABLE_KEYS, Report, label_of

CSV_DIALECT = {"delimiter": ";", "lineterminator": "\r\n"}


def _plain(value) -> str:
    return str(value)


def totals_rows(report: Report) -> list[list]:
    """Header and one row per figure: area, figure, value, unit, definition."""
    unit_names = {"count": _("Anzahl"), "hours": _("Stunden"), "euros": _("Euro")}
    rows = [[_("Bereich"), _("Kennzahl"), _("Wert"), _("Einheit"), _("Definition")]]
    for group in report.groups:
        if group.pending:
            rows.append(
                [group.title, "", "", "", _("wird erfasst, sobald es Veranstaltungen gibt")]
            )
        for figure in group.figures:
            rows.append(
                [
                    group.title,
                    figure.label,
                    figure.value,
                    unit_names[figure.unit],
                    figure.definition,
                ]
            )
    return rows


def table_rows(report: Report) -> list[list]:
    """Header and one row per organisation, then the totals of each side."""
    header = [_("Organisation"), _("Art"), *(label_of(key) for key in TABLE_KEYS)]
    kinds = {"company": _("Unternehmen"), "social": _("Soziale Organisation")}
    rows = [header]
    for side, side_rows in (
        (_("Summe gebende Seite"), report.company_rows),
        (_("Summe empfangende Seite"), report.social_rows),
    ):
        for row in side_rows:
            kind = kinds.get(row.kind, _("Privatpersonen"))
            rows.append([row.name, kind, *(row.values[key] for key in TABLE_KEYS)])
        rows.append([side, "", *(sum(row.values[key] for row in side_rows) for key in TABLE_KEYS)])
    return rows


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, **CSV_DIALECT)
    for row in rows:
        writer.writerow([_plain(cell) for cell in row])
    # A byte order mark, so that spreadsheet programs read the umlauts as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def totals_csv(report: Report) -> bytes:
    return _csv(totals_rows(report))


def table_csv(report: Report) -> bytes:
    return _csv(table_rows(report))


def report_xlsx(report: Report) -> bytes:
    """One workbook: the totals with definitions, and (network report) the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summen")
    sheet.append([_("Zeitraum"), report.period.label])
    for row in totals_rows(report):
        sheet.append(row)
    sheet["A2"].font = sheet["B2"].font = sheet["C2"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 32
    sheet.column_dimensions["E"].width = 90
    if report.rows:
        table = workbook.create_sheet(_("Organisationen"))
        for row in table_rows(report):
            table.append(row)
        for cell in table[1]:
            cell.font = Font(bold=True)
        table.column_dimensions["A"].width = 36
        table.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
