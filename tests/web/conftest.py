"""Fixtures of the web page tests: signed-in Django test clients, and headless Chromium driven
by Playwright against pytest-django's live_server (browser tests, marker `browser`)."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

# The README's screenshots are refreshed on request (KIEZMARKT_SCREENSHOTS=1), so that ordinary
# test runs do not rewrite tracked files; otherwise they go to a temporary folder.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("KIEZMARKT_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "kiezmarkt-screenshots"
)
# Debian's Chromium, found on PATH (`.ci/system-packages test` installs it), or CHROMIUM_PATH.
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _OneRequestAtATime(WSGIServer):
    """The live server for the embedded run. Its threads would share the test's one in-memory
    SQLite connection, and two requests at once on it hang (a page loading two charts); served
    in turn, each answer says `Connection: close`, so the browser never waits on a kept one."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture
def signed_in():
    """A Django test client with a session for the given person (as after the sign-in page)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture
def default_categories(transactional_db):
    """The starting categories. A migration makes them, but transactional tests (the browser's)
    empty every table afterwards, so later tests make them again."""
    from listings.categories import ensure_default_categories

    ensure_default_categories()


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread; Django would then refuse the
    # test's own (synchronous) database calls without this.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.fail(
            "Chromium not found: `make test` installs it (.ci/system-packages test), or set "
            "CHROMIUM_PATH to a Chromium binary."
        )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh browser context (no cookies) on a phone-or-laptop sized window, German."""
    context = chromium.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(chromium, live_server):
    """More pages, each in its own context (another person signed in at the same time)."""
    contexts = []

    def make(*, width: int = 1280, height: int = 900):
        context = chromium.new_context(
            base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save <name>.png: into docs/screenshots/ (the README's) with KIEZMARKT_SCREENSHOTS=1."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, email: str, password: str) -> None:
    page.goto("/anmelden/")
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state()


def link_in_mail(message, pattern: str) -> str:
    """The first link in an e-mail's text that matches `pattern` (a regular expression)."""
    match = re.search(pattern, message.body)
    assert match, f"no link like {pattern!r} in:\n{message.body}"
    return match.group(0)
