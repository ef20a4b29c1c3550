"""Accepts race on real PostgreSQL: proposals of one projector (one unit, one day) for ten needs
are accepted at once, and one proposal is accepted twice at once (a double tap). The offer's row
lock in bookings' request decides: one booking, the other accepts a 409 that changes nothing,
none a 500, and no unit lent twice.

Threads with their own database connections against committed rows (transactional_db)."""

from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from bookings.models import Booking
from needs import services
from needs.models import Proposal
from tests.bookings.test_concurrency import DOUBLE_LENT_UNITS, _sql, race
from tests.listings.factories import EquipmentFactory

from .support import category, make_world, need_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_locks"),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL (SQLite serialises writers)",
    ),
]

NEEDS = 10


@pytest.fixture
def world(transactional_db):
    return make_world()


def test_ten_accepts_of_one_projector_book_it_once(world):
    item = EquipmentFactory(organisation=world.lender, quantity=1, category=category())
    proposals = []
    for n in range(NEEDS):
        need = need_of(world, title=f"Beamer für Klasse {n}")
        proposals.append(
            services.proposal_create(
                need=need,
                by=world.lender_member,
                message="Unser Beamer",
                item=item.pk,
                units=1,
                pickup_on=need.date_from,
                return_on=need.date_from,
            )
        )
    tokens = [
        Token.objects.get_or_create(user=u)[0].key for u in (world.teacher, world.school_admin)
    ]

    statuses = race(
        [
            (tokens[n % 2], f"/api/v1/needs/{p.need_id}/proposals/{p.pk}/accept/", {})
            for n, p in enumerate(proposals)
        ]
    )

    assert statuses == Counter({200: 1, 409: NEEDS - 1}), statuses
    assert Booking.objects.filter(state="confirmed").count() == 1
    assert Booking.objects.count() == 1
    assert Counter(Proposal.objects.values_list("status", flat=True)) == Counter(
        {"accepted": 1, "proposed": NEEDS - 1}
    )
    assert _sql(DOUBLE_LENT_UNITS) == []


def test_a_double_tap_on_accept_books_once(world):
    item = EquipmentFactory(organisation=world.lender, quantity=3, category=category())
    need = need_of(world)
    proposal = services.proposal_create(
        need=need,
        by=world.lender_member,
        message="Unser Beamer",
        item=item.pk,
        units=1,
        pickup_on=need.date_from,
        return_on=need.date_from,
    )
    token = Token.objects.get_or_create(user=world.teacher)[0].key
    url = f"/api/v1/needs/{need.pk}/proposals/{proposal.pk}/accept/"

    statuses = race([(token, url, {}), (token, url, {})])

    assert statuses == Counter({200: 1, 409: 1}), statuses
    assert Booking.objects.count() == 1
