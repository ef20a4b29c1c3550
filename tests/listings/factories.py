"""factory_boy factories for offers. Published offers of an approved company by default."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from listings.models import (
    AllocationKind,
    Category,
    Condition,
    EmploymentType,
    Equipment,
    EquipmentAllocation,
    JobOffer,
    ListingStatus,
    VolunteerAction,
    VolunteerLocation,
    VolunteerSlot,
)
from listings.services.common import listing_refresh_derived
from tests.factories import CompanyFactory


def _save_derived(listing):
    """Keep the fields the search sorts by as the services would."""
    changed = listing_refresh_derived(listing)
    if changed:
        listing.save(update_fields=changed)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"kategorie-{n}")
    name_de = factory.Sequence(lambda n: f"Kategorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    organisation = factory.SubFactory(CompanyFactory)
    category = factory.SubFactory(CategoryFactory)
    status = ListingStatus.PUBLISHED

    @factory.lazy_attribute
    def published_at(self):
        return timezone.now() if self.status == ListingStatus.PUBLISHED else None


class VolunteerActionFactory(ListingFactory):
    class Meta:
        model = VolunteerAction
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Gartentag im Kiez {n}")
    description = "Unser Team hilft beim Umgraben der Beete und beim Bau von Hochbeeten."
    location_kind = VolunteerLocation.AT_ORGANISATION
    skills = factory.LazyFunction(lambda: ["Gartenarbeit"])
    languages = factory.LazyFunction(lambda: ["de", "en"])

    @factory.post_generation
    def slots(obj, create, extracted, **kwargs):
        """`slots=[{...}, ...]` makes these; default one slot next week for 5 volunteers."""
        if not create:
            return
        specs = extracted if extracted is not None else [{}]
        for spec in specs:
            VolunteerSlotFactory(action=obj, **spec)
        _save_derived(obj)


class VolunteerSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerSlot

    action = factory.SubFactory(VolunteerActionFactory, slots=[])
    start = factory.LazyFunction(
        lambda: (timezone.localtime() + dt.timedelta(days=7)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=6))
    volunteers_available = 5


class EquipmentFactory(ListingFactory):
    class Meta:
        model = Equipment
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Biertischgarnitur {n}")
    description = "Tisch und zwei Bänke, wetterfest, für Feste im Hof."
    quantity = 3
    condition = Condition.GOOD
    pickup_street = "Wassertorstraße 48"
    pickup_postcode = "10969"
    pickup_city = "Berlin"
    max_loan_days = 7
    buffer_days = 0


class EquipmentAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentAllocation

    item = factory.SubFactory(EquipmentFactory)
    unit_number = 1
    start = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(days=2))
    kind = AllocationKind.LOAN


class JobOfferFactory(ListingFactory):
    class Meta:
        model = JobOffer
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Verkäufer*in im Kiezladen {n}")
    description = "Beratung und Verkauf in unserem Laden am Wassertorplatz."
    employment_type = EmploymentType.PART_TIME
    hours_per_week = Decimal("20.0")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    place = "Berlin-Kreuzberg"
    positions = 2
    application_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=14)
    )
    requirements = "Freude am Umgang mit Menschen."
    contact_name = "Aylin Demir"
    contact_email = "jobs@example.org"

    @factory.post_generation
    def _derived(obj, create, extracted, **kwargs):
        if create:
            _save_derived(obj)
