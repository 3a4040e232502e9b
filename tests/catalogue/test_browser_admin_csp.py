"""The Django admin works in a real browser under the strict Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_runs_the_admin_under_the_csp_without_a_single_violation(page, superuser, make_initiative, rota_do_mel):
    initiative = make_initiative(name="Polo do Mel", country="BR", route=rota_do_mel, regions=["BR-CE"])
    initiative.name = "Polo do Mel do Araripe"
    initiative.save()  # a second version, so that the history has something to list

    response = page.goto("/en/admin/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-admin-1234")
    page.click("input[type=submit]")
    page.wait_for_url("**/en/admin/")

    page.goto(f"/en/admin/initiatives/initiative/{initiative.pk}/change/")
    # The admin's own scripts ran: select2 autocompletes and collapsible fieldsets are live.
    page.wait_for_selector(".select2-container")
    page.click("#id_themes + .select2-container")  # opens the autocomplete: an XHR to the admin
    page.wait_for_selector(".select2-results__option")
    page.keyboard.press("Escape")
    page.click("details summary >> text=Translations")

    page.goto(f"/en/admin/initiatives/initiative/{initiative.pk}/history/")
    assert page.locator("#change-history tbody tr").count() == 3  # created, regions set, renamed
    page.click("#change-history tbody tr:last-child a")  # the first version: the revert form
    assert page.input_value("#id_name") == "Polo do Mel"

    page.goto("/en/admin/initiatives/initiative/add/")
    page.locator("#id_name").press_sequentially("Polo Novo")
    assert page.input_value("#id_slug") == "polo-novo"  # prepopulated_fields' script ran

    assert page.console_errors == []


def test_it_blocks_inline_scripts_and_styles_and_says_so(page):
    # Proves the test above can fail: a violation shows in the console, and the script never runs.
    page.goto("/en/admin/login/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
            const style = document.createElement('style');
            style.textContent = 'body { background: red }';
            document.head.append(style);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    violations = [e for e in page.console_errors if "Content Security Policy" in e]
    assert any("script-src" in e for e in violations), page.console_errors
    assert any("style-src" in e for e in violations), page.console_errors
