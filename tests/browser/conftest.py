"""Playwright fixtures: one Debian chromium per session, a fresh context (cookies) per test.

Reuse: `page` is a blank page; `login_as(user)` puts the user's session cookie into the
page's context and returns the page (no typing, so tests stay fast). Mark tests
`@pytest.mark.browser` and use `live_server` for the app's address.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told this is safe (it is: the loop is Playwright's only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("BILLBRIDGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


CSP_WORDS = "Content Security Policy"


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A blank page; any script, style or handler our Content-Security-Policy refused during
    the test fails it (issue 15 item 2: the pages work under the policy, nothing inline)."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if CSP_WORDS in message.text else None,
    )
    yield page
    context.close()
    assert refused == [], f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def login_as(page, live_server) -> Callable[[object], object]:
    """Log a user in by session cookie; returns the page, still blank."""
    from django.conf import settings
    from django.test import Client

    def login(user) -> object:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return login
