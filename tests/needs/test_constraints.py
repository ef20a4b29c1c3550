"""The database guards needs and proposals too, behind the services' checks: one open proposal
per company and need, positive numbers, dates in order."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from needs.models import Need, Proposal

from .support import category, in_days, need_of

pytestmark = pytest.mark.django_db


def _fails(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_what_the_services_refuse(world):
    need = need_of(world)
    Proposal.objects.create(need=need, organisation=world.lender, message="Erster")

    assert _fails(
        lambda: Proposal.objects.create(need=need, organisation=world.lender, message="x")
    )
    assert _fails(
        lambda: Proposal.objects.create(need=need, organisation=world.helper, message="x", units=0)
    )
    assert _fails(
        lambda: Proposal.objects.create(
            need=need,
            organisation=world.helper,
            message="x",
            pickup_on=in_days(5),
            return_on=in_days(4),
        )
    )
    base = {
        "organisation": world.school,
        "title": "x",
        "category": category(),
        "help_kind": "goods",
    }
    assert _fails(lambda: Need.objects.create(**base, quantity=0))
    assert _fails(lambda: Need.objects.create(**base, date_from=in_days(5), date_until=in_days(4)))
    assert _fails(lambda: Need.objects.create(**base, date_until=in_days(4)))
    assert _fails(lambda: Need.objects.create(**base, status="published"))
    # A declined proposal leaves room for a new one from the same company.
    Proposal.objects.filter(need=need).update(status="declined")
    Proposal.objects.create(need=need, organisation=world.lender, message="Zweiter")
    assert Need.objects.create(
        **base, date_from=in_days(5), date_until=in_days(5) + dt.timedelta(0)
    )
