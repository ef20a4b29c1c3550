"""Network settings the coordinator keeps (the value of a volunteer hour for the reports)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput, NotAllowed
from marketplace.models import User, VolunteerHourRate

MAX_RATE = Decimal("10000")


def volunteer_hour_rate_set(*, euros, valid_from: date, by: User) -> VolunteerHourRate:
    """Set the value of a volunteer hour from `valid_from` on (replacing a rate set for that
    same day). Only the coordinator may; raises NotAllowed or InvalidInput."""
    if not by.is_coordinator:
        raise NotAllowed(_("Nur die Netzwerk-Koordination legt den Stundensatz fest."))
    try:
        amount = Decimal(str(euros)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Bitte einen Betrag in Euro angeben."), field="euros") from None
    if not Decimal(0) <= amount <= MAX_RATE:
        raise InvalidInput(_("Der Stundensatz liegt zwischen 0 und 10.000 Euro."), field="euros")
    if not isinstance(valid_from, date):
        raise InvalidInput(_("Bitte ein Datum angeben."), field="valid_from")
    with transaction.atomic():
        rate, _created = VolunteerHourRate.objects.update_or_create(
            valid_from=valid_from, defaults={"euros": amount, "created_by": by}
        )
    return rate
