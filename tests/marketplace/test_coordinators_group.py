"""The coordinators group gets its admin permissions from `migrate`, not only from demo data."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from marketplace.models import COORDINATORS_GROUP
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def test_migrate_gives_coordinators_the_organisation_admin_but_not_user_changes():
    Group.objects.filter(name=COORDINATORS_GROUP).delete()

    call_command("migrate", verbosity=0)

    coordinator = CoordinatorFactory()
    assert coordinator.has_perm("marketplace.change_organisation")
    assert coordinator.has_perm("marketplace.view_user")
    assert not coordinator.has_perm("marketplace.change_user")
