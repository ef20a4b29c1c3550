"""Building blocks of the booking tests: two organisations with their people, offers, and
bookings brought into any state through the services (so capacity is held as in real life)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingKind, BookingState
from listings.models import Equipment, JobOffer, VolunteerSlot
from marketplace.models import Organisation, Role, User
from tests.factories import CompanyFactory, CoordinatorFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import EquipmentFactory, JobOfferFactory, VolunteerActionFactory

S = BookingState


@dataclass
class World:
    company: Organisation
    social: Organisation
    company_admin: User
    company_member: User
    social_admin: User
    social_member: User
    outsider: User
    coordinator: User


def make_world() -> World:
    company = CompanyFactory(name="Kiezbäckerei Wassertor GmbH")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    return World(
        company=company,
        social=social,
        company_admin=member_of(company, Role.ADMIN, full_name="Carla Admin"),
        company_member=member_of(company, full_name="Cem Mitglied"),
        social_admin=member_of(social, Role.ADMIN, full_name="Sara Admin"),
        social_member=member_of(social, full_name="Samir Mitglied"),
        outsider=member_of(SocialOrganisationFactory(), Role.ADMIN, full_name="Olga Fremd"),
        coordinator=CoordinatorFactory(),
    )


def slot_of(world: World, *, places: int = 5, started: bool = False, **action) -> VolunteerSlot:
    """A slot of a published volunteer action of the world's company; `started` puts its start
    an hour ago (so the action can be completed) with its end still ahead."""
    now = timezone.now()
    start = now - dt.timedelta(hours=1) if started else now + dt.timedelta(days=7)
    action = VolunteerActionFactory(
        organisation=world.company,
        slots=[
            {"start": start, "end": start + dt.timedelta(hours=6), "volunteers_available": places}
        ],
        **action,
    )
    return action.slots.get()


def item_of(world: World, **fields) -> Equipment:
    fields.setdefault("quantity", 3)
    return EquipmentFactory(organisation=world.company, **fields)


def job_of(world: World, **fields) -> JobOffer:
    return JobOfferFactory(organisation=world.company, **fields)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def request_volunteers(world: World, slot: VolunteerSlot, volunteers: int = 2, **extra) -> Booking:
    return services.booking_request_volunteers(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        slot=slot.pk,
        volunteers=volunteers,
        task=extra.pop("task", "Beete umgraben und Hochbeete bauen"),
        place=extra.pop("place", "Hof des Nachbarschaftshauses, Wassertorstraße 48"),
        contact_name=extra.pop("contact_name", "Ayşe Yılmaz"),
        contact_phone=extra.pop("contact_phone", "030 1234567"),
        **extra,
    )


def request_equipment(
    world: World, item: Equipment, units: int = 1, start: int = 3, days: int = 2, **extra
) -> Booking:
    return services.booking_request_loan(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        item=item.pk,
        units=units,
        pickup_on=in_days(start),
        return_on=in_days(start + days - 1),
        purpose=extra.pop("purpose", "Sommerfest im Hof"),
        **extra,
    )


def refer(world: World, job: JobOffer, **extra) -> Booking:
    return services.booking_refer_candidate(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        job=job.pk,
        candidate_name=extra.pop("candidate_name", "Jonas Beispiel"),
        candidate_contact=extra.pop("candidate_contact", "jonas@example.org"),
        note=extra.pop("note", "Zuverlässig, hat bei uns im Café ausgeholfen."),
        consent=True,
        consent_date=in_days(-1),
    )


def _expire(booking: Booking) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now())
    booking.refresh_from_db()
    return services.booking_expire(booking=booking)


def _overdue(booking: Booking) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(pickup_on=in_days(-2), return_on=in_days(-1))
    booking.refresh_from_db()
    return services.loan_mark_overdue_one(booking=booking)


# How to reach each state from the kind's first state: the steps in order.
def _steps(world: World) -> dict:
    provider, requester = world.company_member, world.social_member
    confirm = lambda b: services.booking_confirm(booking=b, by=provider)  # noqa: E731
    return {
        BookingKind.VOLUNTEER: {
            S.REQUESTED: [],
            S.CONFIRMED: [confirm],
            S.DECLINED: [lambda b: services.booking_decline(booking=b, by=provider)],
            S.EXPIRED: [_expire],
            S.CANCELLED: [
                confirm,
                lambda b: services.booking_cancel(booking=b, by=requester, reason="Krank"),
            ],
            S.COMPLETED: [
                confirm,
                lambda b: services.booking_complete(
                    booking=b, by=provider, volunteers_given=2, hours_given=Decimal("12")
                ),
            ],
            S.HOURS_CONFIRMED: [
                confirm,
                lambda b: services.booking_complete(
                    booking=b, by=provider, volunteers_given=2, hours_given=Decimal("12")
                ),
                lambda b: services.booking_confirm_hours(booking=b, by=requester),
            ],
        },
        BookingKind.EQUIPMENT: {
            S.REQUESTED: [],
            S.CONFIRMED: [confirm],
            S.DECLINED: [lambda b: services.booking_decline(booking=b, by=provider)],
            S.EXPIRED: [_expire],
            S.CANCELLED: [
                confirm,
                lambda b: services.booking_cancel(booking=b, by=provider, reason="Defekt"),
            ],
            S.HANDED_OVER: [confirm, lambda b: services.booking_hand_over(booking=b, by=provider)],
            S.OVERDUE: [
                confirm,
                lambda b: services.booking_hand_over(booking=b, by=provider),
                _overdue,
            ],
            S.RETURNED: [
                confirm,
                lambda b: services.booking_hand_over(booking=b, by=provider),
                lambda b: services.booking_return(booking=b, by=provider),
            ],
            S.LOST: [
                confirm,
                lambda b: services.booking_hand_over(booking=b, by=provider),
                _overdue,
                lambda b: services.loan_mark_lost(booking=b, by=provider, reason="Gestohlen"),
            ],
        },
        BookingKind.JOB: {
            S.SUBMITTED: [],
            S.INTERVIEWING: [lambda b: services.referral_interview(booking=b, by=provider)],
            S.HIRED: [
                lambda b: services.referral_interview(booking=b, by=provider),
                lambda b: services.referral_hire(booking=b, by=provider),
            ],
            S.REJECTED: [lambda b: services.referral_reject(booking=b, by=provider)],
            S.WITHDRAWN: [lambda b: services.referral_withdraw(booking=b, by=requester)],
        },
    }


HANDED_OVER_ONCE = {S.HANDED_OVER, S.OVERDUE, S.RETURNED, S.LOST}


def booking_in_state(
    world: World, kind: str, state: str, *, pickup_in: int | None = None
) -> Booking:
    """A fresh booking of `kind` (on a fresh offer) brought into `state` through the services.

    A loan is picked up in `pickup_in` days: by default in three days, or today for a state
    after the hand-over (a loan is handed over on its pickup day at the earliest)."""
    if kind == BookingKind.VOLUNTEER:
        booking = request_volunteers(world, slot_of(world, started=True))
    elif kind == BookingKind.EQUIPMENT:
        if pickup_in is None:
            pickup_in = 0 if state in HANDED_OVER_ONCE else 3
        booking = request_equipment(world, item_of(world), start=pickup_in)
    else:
        booking = refer(world, job_of(world))
    for step in _steps(world)[kind][state]:
        booking = step(booking)
    booking.refresh_from_db()
    assert booking.state == state
    return booking
