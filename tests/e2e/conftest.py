"""Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium, driven by Playwright."""

from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no network: without these flags Chromium waits on background requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}  # field staff work on their phones


@pytest.fixture
def page(monkeypatch):
    """A page in a phone-sized Chromium window; fails (never skips) without Chromium. Service
    workers are off: the offline app fetches pages in the background (to keep them), which would
    make the other tests race it for SQLite; tests/e2e/test_offline.py turns them on."""
    yield from _phone_page(monkeypatch, service_workers="block")


@pytest.fixture
def offline_page(monkeypatch):
    """The same page with the service worker on, for the tests of working offline."""
    yield from _phone_page(monkeypatch, service_workers="allow")


def _phone_page(monkeypatch, service_workers: str):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: install Debian's chromium package"
    # Playwright's sync API runs an event loop in this thread, so Django would refuse the ORM
    # calls the test makes while the browser is open (SynchronousOnlyOperation). The test is
    # single-threaded on its side, so the check is safe to turn off here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        # A phone left in English: the app must still start in Spanish.
        context = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            locale="en-US",
            service_workers=service_workers,
        )
        # CI machines are small and may be busy: wait longer than Playwright's 5 s default.
        context.set_default_timeout(20_000)
        expect.set_options(timeout=20_000)
        page = context.new_page()
        # Whatever the Content-Security-Policy blocked, Chromium says on the console.
        blocked = []
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page
        context.close()
        browser.close()
        # The test's own queries while Playwright's loop ran went through a connection of that
        # loop's context, not the test's: closed here, or PostgreSQL cannot drop the test
        # database at the end (another session is using it).
        connections.close_all()
        assert blocked == [], blocked
