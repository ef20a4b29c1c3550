"""One network with known answers for 2023 (see test_figures.py for each figure's reason)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from donations.models import DonationKind, DonationState
from marketplace.models import Organisation, OrganisationStatus, VolunteerHourRate
from tests.factories import CompanyFactory, SocialOrganisationFactory

from .builders import (
    S,
    at,
    created,
    donation,
    item,
    loan,
    person,
    receipt,
    referral,
    status_change,
    volunteering,
)


@dataclass
class Network:
    alpha: Organisation
    beta: Organisation
    gamma: Organisation
    xenia: Organisation
    ypsilon: Organisation
    delta: Organisation


def build_network() -> Network:
    long_ago = at(2022, 1, 1)
    alpha = created(CompanyFactory(name="Alpha GmbH"), long_ago)
    beta = created(CompanyFactory(name="Beta GmbH"), long_ago)
    xenia = created(SocialOrganisationFactory(name="Xenia e.V."), long_ago)
    ypsilon = created(SocialOrganisationFactory(name="Ypsilon e.V."), long_ago)
    # joined in March 2023
    gamma = created(CompanyFactory(name="Gamma GmbH"), at(2023, 3, 1))
    status_change(gamma, "", OrganisationStatus.PENDING, at(2023, 3, 1))
    status_change(gamma, OrganisationStatus.PENDING, OrganisationStatus.APPROVED, at(2023, 3, 5))
    # approved in 2022, suspended in June 2023: left
    delta = created(
        SocialOrganisationFactory(name="Delta e.V.", status=OrganisationStatus.SUSPENDED),
        long_ago,
    )
    status_change(delta, OrganisationStatus.PENDING, OrganisationStatus.APPROVED, at(2022, 2, 1))
    status_change(delta, OrganisationStatus.APPROVED, OrganisationStatus.SUSPENDED, at(2023, 6, 1))
    # pending applicant: never counted
    CompanyFactory(name="Wartend GmbH", status=OrganisationStatus.PENDING)

    person(alpha, joined=long_ago)
    person(xenia, joined=long_ago)
    person(xenia, joined=at(2024, 2, 1))  # registered after the period
    person(ypsilon, joined=long_ago, is_active=False)

    VolunteerHourRate.objects.create(valid_from=dt.date(2022, 1, 1), euros=Decimal("20.00"))
    VolunteerHourRate.objects.create(valid_from=dt.date(2023, 7, 1), euros=Decimal("25.00"))

    # volunteering
    volunteering(alpha, xenia, at(2023, 3, 10), S.HOURS_CONFIRMED, volunteers=3, given=2, hours=10)
    volunteering(alpha, ypsilon, at(2023, 8, 10), S.HOURS_CONFIRMED, volunteers=4, hours=8)
    volunteering(beta, xenia, at(2023, 5, 1), S.COMPLETED, volunteers=2, given=2, hours=5)
    volunteering(alpha, xenia, at(2023, 4, 1), S.CANCELLED, volunteers=5)
    volunteering(alpha, xenia, at(2022, 12, 1), S.HOURS_CONFIRMED, volunteers=1, hours=3)

    # lending: one item lent twice; a December loan returned in January counts in December
    tables = item(beta)
    loan(
        tables,
        ypsilon,
        state=S.RETURNED,
        first_day=dt.date(2023, 12, 28),
        last_day=dt.date(2024, 1, 2),
        units=2,
        handed_over_at=at(2023, 12, 28),
    )
    loan(
        tables,
        xenia,
        state=S.HANDED_OVER,
        first_day=dt.date(2023, 2, 1),
        last_day=dt.date(2023, 2, 2),
        handed_over_at=at(2023, 2, 1),
    )
    loan(
        tables,
        ypsilon,
        state=S.CONFIRMED,
        first_day=dt.date(2023, 9, 1),
        last_day=dt.date(2023, 9, 4),
    )
    loan(
        tables,
        ypsilon,
        state=S.CANCELLED,
        first_day=dt.date(2023, 10, 1),
        last_day=dt.date(2023, 10, 4),
    )

    # jobs
    referral(
        gamma,
        xenia,
        at(2023, 4, 1),
        [(S.INTERVIEWING, at(2023, 4, 10)), (S.HIRED, at(2023, 4, 20))],
    )
    referral(
        gamma,
        ypsilon,
        at(2023, 5, 1),
        [(S.INTERVIEWING, at(2023, 5, 5)), (S.REJECTED, at(2023, 5, 10))],
    )
    referral(gamma, ypsilon, at(2023, 6, 1), [(S.WITHDRAWN, at(2023, 6, 2))])

    # donations and receipts
    money = donation(alpha, xenia, "1000.00", dt.date(2023, 2, 1))
    donation(alpha, xenia, "300.00", dt.date(2023, 3, 1), kind=DonationKind.GOODS)
    private = donation(None, ypsilon, "50.00", dt.date(2023, 5, 1), person="Erika Muster")
    donation(None, xenia, "70.00", dt.date(2023, 6, 1), person="Erika Muster")
    donation(beta, ypsilon, "500.00", dt.date(2023, 5, 1), state=DonationState.RECORDED)
    donation(beta, xenia, "200.00", dt.date(2023, 5, 1), state=DonationState.REJECTED)
    first = receipt(xenia, money, dt.date(2023, 2, 5), sequence=1, cancelled=True)
    receipt(xenia, money, dt.date(2023, 2, 6), sequence=2, replaces=first)
    receipt(ypsilon, private, dt.date(2023, 5, 2), sequence=1)

    return Network(alpha=alpha, beta=beta, gamma=gamma, xenia=xenia, ypsilon=ypsilon, delta=delta)
