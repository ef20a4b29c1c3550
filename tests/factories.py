"""factory_boy factories for people and organisations; each app's tests add their own beside."""

import factory
from django.contrib.auth.models import Group

from marketplace.models import (
    COORDINATORS_GROUP,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
    TaxExemption,
    User,
)
from marketplace.tokens import invitation_token, invitation_token_hash

PASSWORD = "kiez-Passwort-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="de_DE")
    language = "de"
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class CoordinatorFactory(UserFactory):
    is_staff = True
    full_name = "Koordination Kieznetzwerk"

    @factory.post_generation
    def coordinator_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
            obj.groups.add(group)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    description = "Eine Organisation im Wassertorkiez."
    street = "Wassertorstraße 48"
    postcode = "10969"
    district = "Kreuzberg"
    contact_email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    status = OrganisationStatus.APPROVED


class CompanyFactory(OrganisationFactory):
    kind = OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Kiezfirma {n} GmbH")


class SocialOrganisationFactory(OrganisationFactory):
    kind = OrganisationKind.SOCIAL
    name = factory.Sequence(lambda n: f"Nachbarschaftsverein {n} e.V.")


class TaxExemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxExemption

    organisation = factory.SubFactory(SocialOrganisationFactory)
    tax_office = "Finanzamt für Körperschaften I Berlin"
    tax_number = "27/123/45678"
    notice_kind = "freistellung"
    notice_date = factory.Faker("date_between", start_date="-2y", end_date="-30d")
    purposes = "Förderung der Jugend- und Altenhilfe"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


def member_of(organisation, role=Role.MEMBER, **user_fields) -> User:
    """A new person who belongs to `organisation` with `role`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def open_invitation(**fields) -> Invitation:
    """An invitation written straight to the table, with the token hash its link needs (the
    service invitation_create() sets it; tests that skip the service use this)."""
    invitation = Invitation.objects.create(**fields)
    invitation.token_hash = invitation_token_hash(invitation_token(invitation))
    invitation.save(update_fields=["token_hash"])
    return invitation
