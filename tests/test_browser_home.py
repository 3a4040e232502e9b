import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_serves_the_home_page_to_a_real_browser(page, make_initiative):
    make_initiative(name="Cluster Lácteo de Nariño")
    page.goto("/en/")
    assert page.locator("h1").inner_text().startswith("Territorial productive initiatives")
    assert page.locator(".figures dd").first.inner_text() == "1"
    assert page.console_errors == []
