"""The demo donations of `manage.py seed_demo`: each situation once, a valid receipt, and a
second run that creates nothing and sends nothing."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from donations.models import Donation, Receipt
from notifications.models import Notification

from .support import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_donations_in_every_state_and_a_receipt_and_seeds_once():
    call_command("seed_demo", stdout=StringIO())

    states = sorted(Donation.objects.values_list("kind", "state"))
    assert states == [
        ("goods", "recorded"),
        ("money", "confirmed"),
        ("money", "confirmed"),
        ("money", "recorded"),
    ]
    receipt = Receipt.objects.get()
    text = pdf_text(receipt.pdf)
    assert "Spreewerk Design GmbH" in text and "eintausendfünfhundert Euro" in text
    assert receipt.machine_signed and receipt.number.endswith("-0001")
    assert Donation.objects.filter(donor_organisation__isnull=True).get().donor_email

    call_command("seed_demo", stdout=StringIO())

    assert Donation.objects.count() == 4 and Receipt.objects.count() == 1
    assert Notification.objects.filter(kind__startswith="donation").count() == 0
    assert mail.outbox == []
