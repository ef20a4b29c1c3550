import pytest

from marketplace.models import OrganisationStatus, Role
from tests.factories import CompanyFactory, CoordinatorFactory, SocialOrganisationFactory, member_of
from tests.listings.factories import CategoryFactory


@pytest.fixture
def company():
    return CompanyFactory(name="Kiezdruckerei GmbH")


@pytest.fixture
def member(company):
    return member_of(company)


@pytest.fixture
def admin(company):
    return member_of(company, role=Role.ADMIN)


@pytest.fixture
def other_company_member():
    return member_of(CompanyFactory(name="Andere Firma GmbH"))


@pytest.fixture
def social_member():
    return member_of(SocialOrganisationFactory())


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def pending_company():
    return CompanyFactory(status=OrganisationStatus.PENDING)


@pytest.fixture
def pending_member(pending_company):
    return member_of(pending_company)


@pytest.fixture
def category():
    return CategoryFactory(slug="moebel-test", name_de="Möbel", name_en="Furniture")
