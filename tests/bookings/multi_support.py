"""Building blocks of the tests of requests for several items (bookings/services/multi.py)."""

from bookings import services
from bookings.models import BookingGroup
from listings.models import AllocationKind, EquipmentAllocation
from notifications.models import Notification

from .support import World, in_days, item_of


def items_of(world: World, count: int = 3, **fields) -> list:
    titles = ["Beamer", "Biertischgarnitur", "Musikanlage", "Pavillon", "Leinwand"]
    return [
        item_of(world, title=titles[n] if n < len(titles) else f"Gegenstand {n}", **fields)
        for n in range(count)
    ]


def request_group(
    world: World, items, *, units=1, start: int = 3, days: int = 2, **extra
) -> BookingGroup:
    return services.booking_request_loans(
        by=extra.pop("by", world.social_member),
        organisation=extra.pop("organisation", world.social),
        items=[(item.pk, units) for item in items],
        pickup_on=in_days(start),
        return_on=in_days(start + days - 1),
        purpose=extra.pop("purpose", "Sommerfest im Hof"),
        message=extra.pop("message", "Wir holen alles zusammen ab."),
    )


def held_units(item) -> int:
    return EquipmentAllocation.objects.filter(item=item, kind=AllocationKind.LOAN).count()


def mails(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("id"))
