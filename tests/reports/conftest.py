import pytest
from django.test import Client


@pytest.fixture
def signed_in():
    """A Django test client with a session for the given person."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
