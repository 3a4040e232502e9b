from urllib.parse import urlsplit

import pytest

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_renders_the_api_documentation_from_vendored_files(page, make_initiative):
    make_initiative(name="Polo do Mel", slug="polo-do-mel", country="BR")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_default_timeout(60_000)  # a 1.7 MB bundle on a busy 2-core machine: a limit, not a timing check
    page.goto("/en/api/docs/")
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/initiatives/" in paths and "/api/initiatives.csv" in paths and len(paths) == 13
    # Trying the list endpoint from the page works: the UI calls the API on this site.
    page.locator("#operations-Initiatives-initiatives_list .opblock-summary").click()
    page.get_by_role("button", name="Execute").click()
    page.locator("#operations-Initiatives-initiatives_list .live-responses-table .response-col_status").first.wait_for()
    assert "polo-do-mel" in page.locator("#operations-Initiatives-initiatives_list .live-responses-table").inner_text()
    site = urlsplit(page.url).netloc
    assert all(urlsplit(url).netloc == site for url in requested), "no request leaves the site"
    assert page.console_errors == []


def test_it_shows_the_spanish_docs_with_the_spanish_schema(page):
    page.set_default_timeout(60_000)
    page.goto("/es/api/docs/")
    page.locator(".info .title").wait_for()
    assert "Catálogo ALC: API de datos abiertos" in page.locator(".info .title").inner_text()
    assert "Iniciativas" in page.locator(".opblock-tag").all_inner_texts()
    assert page.console_errors == []
