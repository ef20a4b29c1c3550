"""Every figure of the report against hand-built data with known answers (tests/reports/
scenario.py builds the network; the comments say why each answer is what it is)."""

import datetime as dt
from decimal import Decimal

import pytest

from reports import extensions
from reports.figures import TABLE_KEYS, build_report
from reports.periods import Period, quarter_period, year_period

from .builders import S, at, donation, item, loan, volunteering
from .scenario import build_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    return build_network()


@pytest.fixture
def report(network):
    return build_report(year_period(2023))


def test_members_at_the_end_of_the_period(report):
    totals = report.totals
    assert totals["companies"] == 3  # Alpha, Beta, Gamma (joined in March); not the applicant
    assert totals["social_organisations"] == 2  # Xenia, Ypsilon; Delta was suspended in June
    assert totals["joined"] == 1  # Gamma
    assert totals["left"] == 1  # Delta
    assert totals["people"] == 2  # not the one registered in 2024, not the inactive one


def test_volunteering_counts_what_took_place_and_confirmed_hours_apart(report):
    totals = report.totals
    assert totals["volunteer_bookings"] == 3  # the cancelled one and the one in 2022 never
    assert totals["volunteers"] == 8  # 2 reported + 4 booked (none reported) + 2 reported
    assert totals["hours_confirmed"] == Decimal("18.00")
    assert totals["hours_unconfirmed"] == Decimal("5.00")  # not in the confirmed total
    # 10 h at 20 € (March) + 8 h at 25 € (August, the rate from July on)
    assert totals["hours_value"] == Decimal("400.00")


def test_lending_counts_a_loan_once_in_the_month_it_was_handed_over(network, report):
    totals = report.totals
    assert totals["loans"] == 2  # the confirmed and the cancelled loans never
    assert totals["unit_days"] == 2 * 6 + 1 * 2  # 28.12.-2.1. (6 days) with 2 units; 1.-2.2.
    assert totals["items"] == 1
    assert totals["borrowers"] == 2
    january = build_report(Period(dt.date(2024, 1, 1), dt.date(2024, 1, 1)))
    assert january.totals["loans"] == 0
    assert report.monthly["equipment"][11] == 1 and report.monthly["equipment"][1] == 1


def test_jobs_count_referrals_interviews_and_hires(report):
    totals = report.totals
    assert totals["referrals"] == 2  # the withdrawn one not
    assert totals["interviews"] == 2
    assert totals["hires"] == 1


def test_donations_count_confirmed_gifts_and_receipts_in_force(report):
    totals = report.totals
    assert totals["money"] == Decimal("1120.00")  # 1000 + 50 + 70; recorded and rejected not
    assert totals["goods"] == Decimal("300.00")
    assert totals["receipts"] == 2  # the cancelled and reissued receipt counts once
    assert totals["donor_companies"] == 1
    assert totals["private_donors"] == 1  # the same person twice


def test_cooperating_pairs_and_new_pairs(report):
    assert report.totals["pairs"] == 5  # A-X, A-Y, B-X, B-Y, G-X (G-Y only a rejection)
    assert report.totals["new_pairs"] == 4  # A-X cooperated in 2022 already
    weights = {(pair.company, pair.social): (pair.weight, pair.new) for pair in report.pairs}
    assert weights[("Alpha GmbH", "Xenia e.V.")] == (3, False)
    assert weights[("Beta GmbH", "Xenia e.V.")] == (2, True)


def test_every_figure_has_a_definition_and_events_have_their_place(report):
    figures = [figure for group in report.groups for figure in group.figures]
    assert len(figures) == 26  # 24 of its own, 2 that the network app counts
    assert all(figure.definition.strip() for figure in figures)
    assert [group for group in report.groups if group.pending] == []
    events = next(group for group in report.groups if group.key == "network_life")
    assert {figure.key: figure.value for figure in events.figures} == {
        "meetings_held": 0,
        "organisations_attending": 0,
    }


@pytest.fixture
def network_life_pending():
    """The report as it was before an app counted events (the extension point's own test)."""
    counted_by = extensions.source_of(extensions.NETWORK_LIFE.key)
    extensions.unfill(extensions.NETWORK_LIFE.key)
    yield
    extensions.fill(extensions.NETWORK_LIFE.key, counted_by)


@pytest.fixture
def network_life_counted():
    """The network app's count of meetings, as it will register it (reports.extensions)."""
    calls = []

    def network_life_figures(period, organisation=None):
        calls.append((period, organisation))
        return {"meetings_held": 7, "organisations_attending": 4}

    counted_by = extensions.source_of(extensions.NETWORK_LIFE.key)
    extensions.fill(extensions.NETWORK_LIFE.key, network_life_figures)
    yield calls
    extensions.fill(extensions.NETWORK_LIFE.key, counted_by)


def test_events_stay_pending_with_their_definitions_until_an_app_counts_them(
    network_life_pending, report
):
    group = next(group for group in report.groups if group.key == "network_life")

    assert group.pending and group.figures == []
    assert [label for label, _definition in group.planned] == [
        "stattgefundene Treffen",
        "teilnehmende Organisationen",
    ]
    assert "meetings_held" not in report.totals  # not a zero: not recorded yet


def test_an_app_that_counts_events_fills_their_group(network, network_life_counted):
    report = build_report(year_period(2023), organisation=network.alpha)

    group = next(group for group in report.groups if group.key == "network_life")
    assert not group.pending
    assert {figure.key: figure.value for figure in group.figures} == {
        "meetings_held": 7,
        "organisations_attending": 4,
    }
    assert report.totals["meetings_held"] == 7
    assert network_life_counted == [(year_period(2023), network.alpha)]


def test_per_organisation_rows_sum_to_the_totals_on_each_side(report):
    companies = report.company_rows
    social = report.social_rows
    assert [row.name for row in companies] == [
        "Alpha GmbH",
        "Beta GmbH",
        "Gamma GmbH",
        "Private Spender*innen",
    ]
    assert [row.name for row in social] == ["Xenia e.V.", "Ypsilon e.V."]
    for key in TABLE_KEYS:
        total = report.totals[key if key not in ("partners", "new_partners") else "pairs"]
        if key == "new_partners":
            total = report.totals["new_pairs"]
        assert sum(row.values[key] for row in companies) == total, key
        assert sum(row.values[key] for row in social) == total, key


def test_a_donation_before_the_period_makes_a_pair_not_new_and_counts_only_then(network):
    before = build_report(year_period(2023)).totals
    donation(network.beta, network.xenia, "400.00", dt.date(2022, 11, 1))
    donation(None, network.xenia, "90.00", dt.date(2022, 11, 1), person="Max Muster")

    report = build_report(year_period(2023))

    assert report.totals["pairs"] == 5 and report.totals["new_pairs"] == 3  # Beta-X not new
    weights = {(pair.company, pair.social): (pair.weight, pair.new) for pair in report.pairs}
    assert weights[("Beta GmbH", "Xenia e.V.")] == (2, False)
    assert report.totals["money"] == before["money"]
    assert report.totals["private_donors"] == before["private_donors"]
    assert build_report(year_period(2022)).totals["money"] == Decimal("490.00")  # with Max


def test_an_organisations_report_is_limited_to_what_involves_it(network):
    report = build_report(year_period(2023), organisation=network.alpha)

    assert report.totals["volunteer_bookings"] == 2
    assert report.totals["hours_value"] == Decimal("400.00")
    assert report.totals["money"] == Decimal("1000.00")
    assert report.totals["pairs"] == 2 and report.totals["new_pairs"] == 1
    assert report.totals["loans"] == 0
    assert "companies" not in report.totals
    assert [row.name for row in report.rows] == ["Alpha GmbH"]


def test_a_quarter_covers_its_three_months(network):
    report = build_report(quarter_period(2023, 1))

    assert report.totals["volunteer_bookings"] == 1  # March
    assert report.totals["loans"] == 1  # February
    assert len(report.monthly["volunteer"]) == 3


def test_report_queries_stay_constant_whatever_the_size(network, django_assert_max_num_queries):
    with django_assert_max_num_queries(16) as small:
        build_report(year_period(2023))
    tables = item(network.beta)
    for day in range(1, 28):
        volunteering(network.beta, network.ypsilon, at(2023, 9, day), S.HOURS_CONFIRMED, hours=2)
        loan(
            tables,
            network.xenia,
            state=S.RETURNED,
            first_day=dt.date(2023, 10, day),
            last_day=dt.date(2023, 10, day),
            handed_over_at=at(2023, 10, day),
        )

    with django_assert_max_num_queries(len(small.captured_queries)):
        report = build_report(year_period(2023))

    assert report.totals["volunteer_bookings"] == 3 + 27
