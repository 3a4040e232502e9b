import pytest
from django.contrib.auth.models import Permission, User

from initiatives.models import Initiative

from ..import_files import CARIRI, LONG_HEADER, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_imports_polos_from_upload_to_confirm_in_a_real_browser(page, reference_data, tmp_path):
    user = User.objects.create_user("importer", "importer@example.org", "pw-importer-1234", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="import_polos"))
    path = write_xlsx(tmp_path / "polos.xlsx", {"Polos": [LONG_HEADER, *CARIRI]})

    page.goto("/en/admin/login/?next=/en/admin/rotas_import/importrecord/")
    page.fill("#id_username", "importer")
    page.fill("#id_password", "pw-importer-1234")
    page.click("input[type=submit]")
    page.click("text=Import polos")
    page.set_input_files("#id_file", str(path))
    page.click("text=Preview the import")

    assert page.locator("#import-counts td").all_inner_texts() == ["1", "0", "0", "0", "0", "0"]
    assert "Barbalha, Crato, Juazeiro do Norte" in page.locator("#import-changes").inner_text()
    assert not Initiative.objects.exists()
    page.click("input[name=confirm]")
    assert "The import was applied." in page.locator(".messagelist").inner_text()
    assert Initiative.objects.get().municipalities.count() == 3
    # The admin has no favicon: Chromium's request for it logs a bare 404 that is no page response.
    # Any resource of the pages themselves that fails is listed as "404 <url>" and still fails here.
    favicon = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert [e for e in page.console_errors if e != favicon] == []
