"""Requests through a proxy that NUM_PROXIES does not count are warned of, in the log and in
/health/; docker-compose passes the setting on as the README advises."""

import logging
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _num_proxies(n: int):
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": n})


def test_forwarded_requests_with_no_proxies_counted_are_warned_of(caplog):
    client = Client()
    with _num_proxies(0), caplog.at_level(logging.WARNING, logger="marketplace.proxies"):
        # Given a health check without any forwarded request: no warning
        assert client.get("/health/").json()["warnings"] == []
        # When requests arrive through a proxy (X-Forwarded-For), several of them
        for _ in range(3):
            client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7")
        health = client.get("/health/")

    # Then the log warns once (not on every request), and /health/ says so, still healthy
    warnings = [r for r in caplog.records if r.name == "marketplace.proxies"]
    assert len(warnings) == 1
    assert "NUM_PROXIES" in warnings[0].getMessage()
    assert health.status_code == 200
    (warning,) = health.json()["warnings"]
    assert "X-Forwarded-For" in warning
    assert "NUM_PROXIES" in warning


def test_no_warning_once_the_proxy_is_counted(caplog):
    client = Client()
    with _num_proxies(1), caplog.at_level(logging.WARNING, logger="marketplace.proxies"):
        client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7")
        health = client.get("/health/")

    assert not [r for r in caplog.records if r.name == "marketplace.proxies"]
    assert health.json()["warnings"] == []


def test_docker_compose_passes_num_proxies_on_as_the_readme_advises():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    readme = (ROOT / "README.md").read_text()

    environment = compose["x-app"]["environment"]
    # Without a TLS proxy in the stack 0 is right; behind one the README says 1, and .env must
    # reach the containers for that advice to work
    assert environment["NUM_PROXIES"] == "${NUM_PROXIES:-0}"
    assert environment["CSRF_TRUSTED_ORIGINS"] == "${CSRF_TRUSTED_ORIGINS:-}"
    assert "`NUM_PROXIES=1`" in readme
    for service in ("web", "worker", "beat"):
        assert compose["services"][service]["environment"] == environment
