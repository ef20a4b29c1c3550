"""Building blocks of the needs tests: a school (social organisation), two companies with
their people, and needs and proposals made through the services."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from listings.categories import ensure_default_categories
from listings.models import Category
from marketplace.models import Organisation, Role, User
from needs import services
from needs.models import Need
from tests.factories import CompanyFactory, CoordinatorFactory, SocialOrganisationFactory, member_of


@dataclass
class World:
    school: Organisation
    lender: Organisation  # a company that lends a projector
    helper: Organisation  # another company
    teacher: User
    school_admin: User
    lender_member: User
    lender_admin: User
    helper_member: User
    outsider: User
    coordinator: User


def make_world() -> World:
    ensure_default_categories()
    school = SocialOrganisationFactory(name="Galilei-Grundschule e.V.")
    lender = CompanyFactory(name="Kieztechnik Wassertor GmbH")
    helper = CompanyFactory(name="Druckerei am Moritzplatz GmbH")
    return World(
        school=school,
        lender=lender,
        helper=helper,
        teacher=member_of(school, full_name="Tanja Lehrerin"),
        school_admin=member_of(school, Role.ADMIN, full_name="Sven Schulleiter"),
        lender_member=member_of(lender, full_name="Leo Verleih"),
        lender_admin=member_of(lender, Role.ADMIN, full_name="Lea Chefin"),
        helper_member=member_of(helper, Role.ADMIN, full_name="Hanna Druck"),
        outsider=member_of(SocialOrganisationFactory(), Role.ADMIN, full_name="Olga Fremd"),
        coordinator=CoordinatorFactory(),
    )


def category(slug: str = "veranstaltungstechnik") -> Category:
    return Category.objects.get(slug=slug)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def need_of(world: World, *, publish: bool = True, **fields) -> Need:
    fields.setdefault("title", "Beamer für unser Sommerfest")
    fields.setdefault("description", "Wir zeigen Fotos vom Schuljahr auf dem Schulhof.")
    fields.setdefault("category", "veranstaltungstechnik")
    fields.setdefault("help_kind", "equipment")
    fields.setdefault("quantity", 1)
    fields.setdefault("date_from", in_days(10))
    return services.need_create(
        by=fields.pop("by", world.teacher),
        organisation=world.school,
        publish=publish,
        **fields,
    )
