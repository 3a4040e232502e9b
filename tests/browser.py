"""Playwright driving Debian's Chromium against pytest-django's live server.

Use the `page` fixture (it needs `live_server`); `page.console_errors` collects console errors
and uncaught exceptions. A test needing more pages (another visitor, staff) opens them with
`new_page`, which closes them with the test. Browser tests are skipped when /usr/bin/chromium is
missing, unless REQUIRE_BROWSER=1 (CI), which turns that into a failure.

The browser closes before the live server stops, and the server waits for its request threads:
a request thread still holding a browser's kept-alive connection would otherwise finish after
the server gave the test database's connection back to the main thread, and fail closing it.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.getenv("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    # After the test database exists, so that the server stops (and its request threads end)
    # before pytest-django drops that database, even when a browser test runs first.
    # Track the request threads (daemon ones are not) so that stopping the server joins them.
    live_server.thread.httpd.daemon_threads = False
    live_server.thread.httpd.block_on_close = True
    return live_server


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on the live server so that it closes first, ending every kept-alive connection.
    if not CHROMIUM.exists():
        if os.getenv("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.MAP_TILES_URL = ""  # no network in tests: the map draws its markers on grey
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"))
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens another page in a context of its own (another visitor); closed with the test."""
    contexts = []

    def new(**options):
        contexts.append(browser.new_context(**{"base_url": live_server.url, "locale": "en-GB", **options}))
        return contexts[-1].new_page()

    yield new
    for context in contexts:
        context.close()
