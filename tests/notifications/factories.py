"""factory_boy factories for outbox rows."""

import factory

from notifications.models import Notification, NotificationOptOut
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda n: n.recipient.email if n.recipient else "x@example.org")
    kind = "organisation_approved"
    context = factory.LazyFunction(dict)
    language = "de"
    event_key = factory.Sequence(lambda n: f"test-event:{n}")


class OptOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationOptOut

    user = factory.SubFactory(UserFactory)
    kind = "test_optional"
