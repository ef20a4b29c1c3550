"""The report pages, their charts and exports, and who may see them."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.models import Role, User, VolunteerHourRate
from tests.factories import CoordinatorFactory, member_of

from .scenario import build_network

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2023-01", "until": "2023-12"}


@pytest.fixture
def network():
    return build_network()


@pytest.fixture
def coordinator(signed_in):
    return signed_in(CoordinatorFactory())


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_coordinator_sees_every_figure_with_its_definition(network, coordinator):
    response = coordinator.get("/berichte/netzwerk/", PERIOD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Zeitraum 01/2023–12/2023" in html
    assert "400,00 €" in html  # value of the confirmed hours
    assert "1.120,00 €" in html  # money received
    assert "Geleistete Stunden, die die soziale Organisation bestätigt hat." in html
    assert "Veranstaltungen und Arbeitsgruppen" in html
    assert "/berichte/netzwerk/monate.png?from=2023-01&amp;until=2023-12" in html
    assert "/berichte/netzwerk/netzwerk.png?from=2023-01&amp;until=2023-12" in html
    assert "Alpha GmbH" in html and "Private Spender*innen" in html


def test_the_table_sorts_by_a_column(network, coordinator):
    html = coordinator.get(
        "/berichte/netzwerk/", {**PERIOD, "sort": "loans", "order": "desc"}
    ).content.decode()

    table = html.split('id="table-heading"')[1]
    assert table.index("Beta GmbH") < table.index("Alpha GmbH")


def test_only_the_coordinator_sees_the_network_report(network, signed_in):
    admin = member_of(network.alpha, Role.ADMIN)

    assert signed_in(admin).get("/berichte/netzwerk/", PERIOD).status_code == 404
    assert signed_in(admin).get("/berichte/netzwerk/export.csv", PERIOD).status_code == 404
    assert Client().get("/berichte/netzwerk/", PERIOD).status_code == 302  # sign in first


def test_an_admin_sees_only_their_own_organisations_report(network, signed_in):
    admin = signed_in(member_of(network.alpha, Role.ADMIN))
    member = signed_in(member_of(network.alpha))

    own = admin.get(f"/organisationen/{network.alpha.pk}/bericht/", PERIOD)
    other = admin.get(f"/organisationen/{network.beta.pk}/bericht/", PERIOD)

    assert own.status_code == 200
    assert "400,00 €" in own.content.decode()
    assert "Je Organisation" not in own.content.decode()
    assert other.status_code == 404
    assert member.get(f"/organisationen/{network.alpha.pk}/bericht/", PERIOD).status_code == 404


def test_an_organisations_report_has_the_organisations_header_and_tabs(network, signed_in):
    admin = signed_in(member_of(network.alpha, Role.ADMIN))

    html = admin.get(f"/organisationen/{network.alpha.pk}/bericht/", PERIOD).content.decode()

    header = html.split('class="page-header"')[1].split("</header>")[0]
    assert "<h1>Alpha GmbH</h1>" in header
    assert 'aria-label="Bereiche der Organisation"' in header
    assert f'href="/organisationen/{network.alpha.pk}/mitglieder/"' in header
    assert (
        f'href="/organisationen/{network.alpha.pk}/bericht/" aria-current="page">Bericht</a>'
        in header
    )


def test_the_demo_report_shows_the_value_of_a_volunteer_hour(signed_in):
    call_command("seed_demo", stdout=io.StringIO())
    coordinator = signed_in(User.objects.get(email="koordination@kiezmarkt.example"))

    html = coordinator.get("/berichte/netzwerk/", {"from": "2025-01", "until": "2025-12"})

    assert "Zurzeit: 15,00 € je Stunde." in html.content.decode()
    assert "Noch nicht festgelegt" not in html.content.decode()


def test_a_wrong_period_is_a_clear_400(network, coordinator):
    bad_month = coordinator.get("/berichte/netzwerk/", {"from": "2023-13", "until": "2023-12"})
    backwards = coordinator.get("/berichte/netzwerk/", {"from": "2023-05", "until": "2023-01"})
    export = coordinator.get("/berichte/netzwerk/export.pdf", {"from": "x"})

    assert bad_month.status_code == 400
    assert "Diesen Monat gibt es nicht." in bad_month.content.decode()
    assert backwards.status_code == 400
    assert export.status_code == 400


def test_charts_are_png_images(network, coordinator):
    for chart in ("monate", "netzwerk"):
        response = coordinator.get(f"/berichte/netzwerk/{chart}.png", PERIOD)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert coordinator.get("/berichte/netzwerk/anderes.png", PERIOD).status_code == 404


def test_csv_exports_hold_the_numbers_of_the_page(network, coordinator):
    totals = coordinator.get("/berichte/netzwerk/export.csv", PERIOD)
    table = coordinator.get("/berichte/netzwerk/export.organisationen.csv", PERIOD)

    rows = list(csv.reader(io.StringIO(totals.content.decode("utf-8-sig")), delimiter=";"))
    by_label = {row[1]: row for row in rows[1:]}
    assert by_label["Wert der bestätigten Stunden"][2] == "400.00"
    assert by_label["Geldspenden"][2] == "1120.00"
    assert by_label["kooperierende Paare"][2] == "5"
    assert by_label["kooperierende Paare"][4].startswith("Paare aus einem Unternehmen")
    table_rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    header = table_rows[0]
    hours = header.index("bestätigte Stunden")
    alpha = next(row for row in table_rows if row[0] == "Alpha GmbH")
    assert alpha[hours] == "18.00"
    giving_sum = next(row for row in table_rows if row[0] == "Summe gebende Seite")
    receiving_sum = next(row for row in table_rows if row[0] == "Summe empfangende Seite")
    assert giving_sum[hours] == receiving_sum[hours] == "18.00"


def test_xlsx_opens_with_openpyxl_and_holds_the_same_numbers(network, coordinator):
    response = coordinator.get("/berichte/netzwerk/export.xlsx", PERIOD)

    workbook = load_workbook(io.BytesIO(response.content))
    totals = {row[1]: row[2] for row in workbook["Summen"].iter_rows(values_only=True)}
    assert Decimal(str(totals["Wert der bestätigten Stunden"])) == Decimal("400.00")
    assert totals["übergebene Ausleihen"] == 2
    table = list(workbook["Organisationen"].iter_rows(values_only=True))
    loans = table[0].index("übergebene Ausleihen")
    assert next(row for row in table if row[0] == "Beta GmbH")[loans] == 2


def test_the_pdf_reads_back_with_figures_definitions_and_table(network, coordinator):
    response = coordinator.get("/berichte/netzwerk/export.pdf", PERIOD)

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Netzwerkbericht" in text
    assert "400,00 €" in text
    assert "1.120,00 €" in text
    assert "bestätigte Stunden" in text
    assert "Kooperationen je Monat" in text
    assert "Das Netzwerk im Zeitraum" in text
    assert "Alpha GmbH" in text


def test_a_company_admin_downloads_the_engagement_bericht(network, signed_in):
    admin = signed_in(member_of(network.alpha, Role.ADMIN))
    social_admin = signed_in(member_of(network.xenia, Role.ADMIN))

    response = admin.get(f"/organisationen/{network.alpha.pk}/engagement-bericht.pdf", PERIOD)

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = pdf_text(response.content)
    assert "Engagement-Bericht: Alpha GmbH" in text
    assert "18,00 h" in text and "400,00 €" in text and "1.000,00 €" in text
    assert "Xenia e.V." in text and "Ypsilon e.V." in text
    assert (
        social_admin.get(
            f"/organisationen/{network.xenia.pk}/engagement-bericht.pdf", PERIOD
        ).status_code
        == 404
    )


def test_the_coordinator_sets_the_hour_rate_from_a_day_on(coordinator, signed_in):
    response = coordinator.post(
        "/berichte/stundensatz/", {"euros": "22.50", "valid_from": "2024-01-01"}
    )

    assert response.status_code == 302
    assert VolunteerHourRate.objects.get().euros == Decimal("22.50")
    other = signed_in(member_of(build_network().alpha, Role.ADMIN))
    assert (
        other.post("/berichte/stundensatz/", {"euros": "1", "valid_from": "2024-01-01"})
    ).status_code == 404
    assert VolunteerHourRate.objects.filter(euros=Decimal("1")).count() == 0


def test_the_report_page_keeps_a_constant_number_of_queries(
    network, coordinator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        assert coordinator.get("/berichte/netzwerk/", PERIOD).status_code == 200


# --- the API -------------------------------------------------------------------------------------


def test_api_network_report_has_the_same_figures(network, client_for):
    client = client_for(CoordinatorFactory())

    response = client.get("/api/v1/reports/network/", PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2023-01", "until": "2023-12"}
    assert body["totals"]["hours_value"] == "400.00"
    assert body["totals"]["pairs"] == 5
    figure = next(
        figure
        for group in body["groups"]
        for figure in group["figures"]
        if figure["key"] == "hours_confirmed"
    )
    assert figure["value"] == "18.00" and figure["definition"]
    assert {row["name"] for row in body["organisations"]} >= {"Alpha GmbH", "Xenia e.V."}
    assert [group["key"] for group in body["groups"] if group["pending"]] == []
    events = next(group for group in body["groups"] if group["key"] == "network_life")
    assert [figure["key"] for figure in events["figures"]] == [
        "meetings_held",
        "organisations_attending",
    ]


def test_api_reports_answer_404_to_others_and_400_to_bad_periods(network, client_for):
    admin = client_for(member_of(network.alpha, Role.ADMIN))
    coordinator = client_for(CoordinatorFactory())

    assert admin.get("/api/v1/reports/network/", PERIOD).status_code == 404
    own = admin.get(f"/api/v1/reports/organisations/{network.alpha.pk}/", PERIOD)
    assert own.status_code == 200
    assert own.json()["totals"]["money"] == "1000.00"
    assert own.json()["organisations"] == [
        {
            "id": network.alpha.pk,
            "name": "Alpha GmbH",
            "kind": "company",
            "values": own.json()["organisations"][0]["values"],
        }
    ]
    assert admin.get(f"/api/v1/reports/organisations/{network.beta.pk}/").status_code == 404
    assert admin.get("/api/v1/reports/organisations/999999/").status_code == 404
    bad = coordinator.get("/api/v1/reports/network/", {"from": "2023-1"})
    assert bad.status_code == 400
    assert "from" in str(bad.json())
    # empty, unknown and repeated parameters are refused as on every list of the API
    assert coordinator.get("/api/v1/reports/network/", {"until": ""}).status_code == 400
    assert coordinator.get("/api/v1/reports/network/", {"year": "2023"}).status_code == 400
    assert coordinator.get("/api/v1/reports/network/?from=2023-01&from=2023-02").status_code == 400
    assert client_for(None).get("/api/v1/reports/network/").status_code == 401


def test_the_api_answer_is_what_the_schema_serializer_describes(network):
    from reports.figures import build_report
    from reports.periods import year_period
    from reports.serializers import ReportSerializer, report_data

    report = build_report(year_period(2023))

    assert report_data(report) == ReportSerializer(report).data
