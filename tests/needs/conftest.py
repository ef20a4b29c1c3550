import pytest

from .support import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Runs an API call and the e-mails it queues (after commit, as in production)."""

    def run(client, method, url, data=None, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data, format="json", **headers)

    return run
