"""The web process settles Python's garbage collector once Django is loaded (marketplace/wsgi.py
calls marketplace.runtime.settle_garbage_collector())."""

import gc

import pytest

from marketplace import runtime


@pytest.fixture
def collector_restored():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_what_is_loaded_is_frozen_and_young_objects_wait_for_a_higher_threshold(
    collector_restored,
):
    gc.unfreeze()
    _, second, third = gc.get_threshold()

    runtime.settle_garbage_collector()

    assert gc.get_freeze_count() > 10_000  # Django and the app's modules, out of the way
    assert gc.get_threshold() == (runtime.FIRST_GENERATION_THRESHOLD, second, third)
    assert gc.isenabled()  # cycles are still collected


def test_the_wsgi_application_settles_the_collector_when_it_is_loaded(collector_restored):
    import importlib

    import marketplace.wsgi

    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    importlib.reload(marketplace.wsgi)

    assert gc.get_threshold()[0] == runtime.FIRST_GENERATION_THRESHOLD
    assert gc.get_freeze_count() > 0
