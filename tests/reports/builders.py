"""Hand-built report data: rows written straight to the tables with the dates a test needs
(the reports read state, not the services that lead there)."""

import datetime as dt
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from bookings.models import Booking, BookingEvent, BookingKind, BookingState
from donations.models import Donation, DonationKind, DonationState, Receipt, ReceiptKind
from donations.selectors import donor_key_for
from marketplace.models import Membership, Organisation, OrganisationStatusChange
from tests.factories import MembershipFactory, UserFactory
from tests.listings.factories import EquipmentFactory, JobOfferFactory, VolunteerActionFactory

BERLIN = ZoneInfo("Europe/Berlin")
S = BookingState


def at(year, month, day, hour=10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BERLIN)


def created(organisation: Organisation, when: dt.datetime) -> Organisation:
    Organisation.objects.filter(pk=organisation.pk).update(created_at=when)
    organisation.created_at = when
    return organisation


def status_change(organisation, from_status, to_status, when) -> None:
    OrganisationStatusChange.objects.create(
        organisation=organisation, from_status=from_status, to_status=to_status, at=when
    )


def person(organisation, *, joined: dt.datetime, **fields):
    user = UserFactory(date_joined=joined, **fields)
    membership = MembershipFactory(user=user, organisation=organisation)
    Membership.objects.filter(pk=membership.pk).update(created_at=joined)
    return user


def volunteering(company, social, start, state, *, volunteers=2, given=None, hours=None):
    action = VolunteerActionFactory(organisation=company, slots=[])
    slot = action.slots.create(
        start=start, end=start + dt.timedelta(hours=6), volunteers_available=10
    )
    return Booking.objects.create(
        kind=BookingKind.VOLUNTEER,
        state=state,
        listing=action,
        requester=social,
        provider=company,
        created_at=start - dt.timedelta(days=14),
        starts_at=start,
        slot=slot,
        volunteers=volunteers,
        volunteers_given=given,
        hours_given=None if hours is None else Decimal(str(hours)),
    )


def item(company):
    return EquipmentFactory(organisation=company)


def loan_dates(first_day: dt.date, last_day: dt.date) -> dict:
    """A loan's date fields for its first and last day (both lent). The one place the tests
    know how the fields count: `pickup_on` and `return_on` are both inclusive."""
    return {"pickup_on": first_day, "return_on": last_day}


def loan(listing, social, *, state, first_day, last_day, units=1, handed_over_at=None):
    return Booking.objects.create(
        kind=BookingKind.EQUIPMENT,
        state=state,
        listing=listing,
        requester=social,
        provider=listing.organisation,
        created_at=at(first_day.year, first_day.month, first_day.day) - dt.timedelta(days=7),
        starts_at=at(first_day.year, first_day.month, first_day.day, 0),
        units=units,
        handed_over_at=handed_over_at,
        **loan_dates(first_day, last_day),
    )


def referral(company, social, submitted, steps: list[tuple[str, dt.datetime]]):
    """A referral submitted at `submitted` that went through `steps` (state, when)."""
    job = JobOfferFactory(organisation=company)
    final = steps[-1] if steps else (S.SUBMITTED, None)
    booking = Booking.objects.create(
        kind=BookingKind.JOB,
        state=final[0],
        listing=job,
        requester=social,
        provider=company,
        created_at=submitted,
        starts_at=submitted,
        candidate_name="Anna Beispiel",
        candidate_consent=True,
        consent_date=submitted.date(),
        ended_at=final[1] if final[0] in (S.HIRED, S.REJECTED, S.WITHDRAWN) else None,
    )
    BookingEvent.objects.create(
        booking=booking, action="submit", from_state="", to_state=S.SUBMITTED, at=submitted
    )
    previous = S.SUBMITTED
    for state, when in steps:
        BookingEvent.objects.create(
            booking=booking, action=state, from_state=previous, to_state=state, at=when
        )
        previous = state
    return booking


def donation(donor, recipient, amount, day, *, kind=DonationKind.MONEY, state=None, person=""):
    name = person or donor.name
    return Donation.objects.create(
        kind=kind,
        state=state or DonationState.CONFIRMED,
        recipient=recipient,
        donor_organisation=None if person else donor,
        donor_name=name,
        donor_address="Wassertorstraße 1, 10969 Berlin",
        donor_key=donor_key_for(
            organisation_id=None if person else donor.pk,
            name=name,
            address="Wassertorstraße 1, 10969 Berlin",
        ),
        amount=Decimal(str(amount)),
        donated_on=day,
        description="Laptops" if kind == DonationKind.GOODS else "",
        origin="business" if kind == DonationKind.GOODS else "",
    )


def receipt(issuer, gift: Donation, issued_on, *, sequence, cancelled=False, replaces=None):
    pdf = f"receipt {issuer.pk} {sequence}".encode()
    return Receipt.objects.create(
        organisation=issuer,
        year=issued_on.year,
        sequence=sequence,
        number=f"{issued_on.year}-{sequence:04d}",
        kind=ReceiptKind.MONEY,
        donor_organisation=gift.donor_organisation,
        donor_key=gift.donor_key,
        donor_name=gift.donor_name,
        donor_address=gift.donor_address,
        amount=gift.amount,
        issued_on=issued_on,
        machine_signed=True,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        cancelled_at=at(issued_on.year, issued_on.month, issued_on.day, 12) if cancelled else None,
        cancel_reason="Tippfehler" if cancelled else "",
        replaces=replaces,
    )
