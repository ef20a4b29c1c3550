"""Report pages: the coordinator's network report (/berichte/netzwerk/) and an organisation's
report (/organisationen/<id>/bericht/) with their charts, exports and the Engagement-Bericht.
The figures come from reports/ (which says who may see what: others get a 404); the hour rate
is set through marketplace's service."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError, InvalidInput
from marketplace.services.network import volunteer_hour_rate_set
from reports import access, charts, exports, pdf
from reports.figures import TABLE_KEYS, label_of, units
from reports.periods import Period, period_from_params, quarter_period, year_period

from .. import access as web_access
from ..forms import DateInput
from .organisations import page_context


class HourRateForm(forms.Form):
    euros = forms.DecimalField(
        label=gettext_lazy("Euro je Freiwilligenstunde"),
        min_value=0,
        max_value=10_000,
        decimal_places=2,
    )
    valid_from = forms.DateField(label=gettext_lazy("gilt ab"), widget=DateInput)


def _period(request: HttpRequest) -> tuple[Period | None, str]:
    try:
        return period_from_params(request.GET), ""
    except InvalidInput as error:
        return None, error.message


def _shortcuts() -> list[tuple[str, Period]]:
    """Periods one click away: this and last year, this year's quarters."""
    year = timezone.localdate().year
    return [
        (str(year), year_period(year)),
        (str(year - 1), year_period(year - 1)),
        *((f"Q{q}/{year}", quarter_period(year, q)) for q in range(1, 5)),
        (
            _("Förderperiode %(first)s–%(last)s") % {"first": year - 2, "last": year},
            Period(dt.date(year - 2, 1, 1), dt.date(year, 12, 1)),
        ),
    ]


def _sorted(rows, sort: str, descending: bool):
    if sort not in TABLE_KEYS:
        return rows
    return sorted(rows, key=lambda row: row.values[sort], reverse=descending)


def _page(request, *, report, period_error, title, base_url, organisation=None, header=None):
    """`header`: an organisation's page context (its header and tabs, web/organisations)."""
    sort = request.GET.get("sort", "")
    descending = request.GET.get("order", "desc") != "asc"
    context = {
        **(header or {}),
        "report": report,
        "period_error": period_error,
        "title": title,
        "base_url": base_url,
        "organisation": organisation,
        "shortcuts": _shortcuts(),
        "nav": "coordination" if organisation is None else "organisations",
        "columns": [(key, label_of(key), units()[key]) for key in TABLE_KEYS],
        "sort": sort,
        "order": "desc" if descending else "asc",
        "form_from": report.period.from_param if report else request.GET.get("from", ""),
        "form_until": report.period.until_param if report else request.GET.get("until", ""),
    }
    if report is not None:
        context["company_rows"] = _sorted(report.company_rows, sort, descending)
        context["social_rows"] = _sorted(report.social_rows, sort, descending)
        context["company_totals"] = _column_totals(report.company_rows)
        context["social_totals"] = _column_totals(report.social_rows)
    if organisation is None and request.user.is_coordinator:
        context["rate_form"] = HourRateForm(initial={"valid_from": timezone.localdate()})
    return render(request, "web/reports/report.html", context, status=400 if period_error else 200)


def _column_totals(rows) -> dict:
    return {key: sum(row.values[key] for row in rows) for key in TABLE_KEYS}


# --- the network report -------------------------------------------------------------------------


@login_required
def network_report(request: HttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise Http404(_("Bericht nicht gefunden."))
    period, error = _period(request)
    report = access.network_report_for(request.user, period) if period else None
    return _page(
        request,
        report=report,
        period_error=error,
        title=_("Netzwerkbericht"),
        base_url=reverse("web:report-network"),
    )


def _period_or_400(request) -> Period:
    period, error = _period(request)
    if period is None:
        raise InvalidInput(error)
    return period


@login_required
def network_chart(request: HttpRequest, chart: str) -> HttpResponse:
    report = access.network_report_for(request.user, _period_or_400(request), with_table=False)
    return _png(report, chart)


@login_required
def network_export(request: HttpRequest, fmt: str) -> HttpResponse:
    report = access.network_report_for(request.user, _period_or_400(request))
    return _export(report, fmt, _("Netzwerkbericht"), f"netzwerkbericht_{report.period.slug}")


@login_required
@require_POST
def hour_rate(request: HttpRequest) -> HttpResponse:
    form = HourRateForm(request.POST)
    target = reverse("web:report-network")
    if not form.is_valid():
        messages.error(request, _("Bitte einen Betrag und ein Datum angeben."))
        return redirect(target)
    try:
        rate = volunteer_hour_rate_set(
            euros=form.cleaned_data["euros"],
            valid_from=form.cleaned_data["valid_from"],
            by=request.user,
        )
    except DomainError as error:
        if error.status_code == 403:
            raise Http404 from None
        messages.error(request, error.message)
        return redirect(target)
    messages.success(
        request,
        _("Eine Freiwilligenstunde zählt ab %(day)s mit %(euros)s €.")
        % {"day": rate.valid_from.strftime("%d.%m.%Y"), "euros": rate.euros},
    )
    return redirect(target)


# --- an organisation's report -------------------------------------------------------------------


@login_required
def organisation_report(request: HttpRequest, pk: int) -> HttpResponse:
    access.reported_organisation(request.user, pk)  # its admins and the coordinator, else 404
    # the organisation as its other pages have it (with the person's role), for the tabs
    organisation = web_access.inside_or_404(request.user, pk)
    period, error = _period(request)
    report = access.organisation_report_for(request.user, pk, period) if period else None
    return _page(
        request,
        report=report,
        period_error=error,
        title=_("Bericht: %(name)s") % {"name": organisation.name},
        base_url=reverse("web:report-organisation", args=[pk]),
        organisation=organisation,
        header=page_context(request, organisation, "report"),
    )


@login_required
def organisation_chart(request: HttpRequest, pk: int, chart: str) -> HttpResponse:
    report = access.organisation_report_for(request.user, pk, _period_or_400(request))
    return _png(report, chart)


@login_required
def organisation_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = access.organisation_report_for(request.user, pk, _period_or_400(request))
    name = report.organisation.name
    return _export(
        report, fmt, _("Bericht: %(name)s") % {"name": name}, f"bericht_{pk}_{report.period.slug}"
    )


@login_required
def engagement_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.engagement_report_for(request.user, pk, _period_or_400(request))
    content = pdf.engagement_pdf(report, report.organisation)
    return _download(
        content, "application/pdf", f"Engagement-Bericht_{pk}_{report.period.slug}.pdf"
    )


# --- pictures and files -------------------------------------------------------------------------

CHARTS = {"monate": charts.monthly_chart, "netzwerk": charts.network_picture}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _png(report, chart: str) -> HttpResponse:
    draw = CHARTS.get(chart)
    if draw is None:
        raise Http404
    response = HttpResponse(draw(report), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export(report, fmt: str, title: str, stem: str) -> HttpResponse:
    if fmt == "csv":
        return _download(exports.totals_csv(report), "text/csv; charset=utf-8", f"{stem}.csv")
    if fmt == "organisationen.csv" and report.rows:
        return _download(
            exports.table_csv(report), "text/csv; charset=utf-8", f"{stem}_organisationen.csv"
        )
    if fmt == "xlsx":
        return _download(exports.report_xlsx(report), XLSX, f"{stem}.xlsx")
    if fmt == "pdf":
        return _download(pdf.report_pdf(report, title=title), "application/pdf", f"{stem}.pdf")
    raise Http404
