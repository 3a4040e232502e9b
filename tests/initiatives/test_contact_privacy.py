"""An initiative's contact address reaches staff only: the public writes through the catalogue."""

import csv
import io
import zipfile

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from ..throttle import fresh_throttle_counts  # noqa: F401  (autouse)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADDRESS = "contact-private@example.org"
PUBLIC_PAGES = [
    "/en/initiatives/private/",
    "/pt-br/initiatives/private/",
    "/es/initiatives/private/",
    "/en/initiatives/private/similar/",
    "/en/initiatives/",
    "/en/initiatives/?q=private",
    "/en/countries/CO/",
    "/en/map/",
    "/en/initiatives/private/collaborate/",
    "/en/",
    "/api/initiatives/",
    "/api/initiatives/private/",
    "/api/initiatives.geojson",
    "/api/initiatives.csv",
    "/api/schema/",
    "/en/api/docs/",
    "/sitemap.xml",
]


@pytest.fixture
def initiative(make_initiative):
    make_initiative(name="Other", slug="other", sectors=["dairy"], email="other-private@example.org")
    return make_initiative(name="Private Polo", slug="private", sectors=["dairy"], email=ADDRESS)


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_it_publishes_the_contact_address_nowhere(client, initiative, url):
    content = body(client.get(url))
    assert b"private@example.org" not in content
    assert b"mailto:" not in content


def test_it_leaves_the_address_out_of_the_excel_export(client, initiative):
    archive = zipfile.ZipFile(io.BytesIO(body(client.get("/api/initiatives.xlsx"))))
    parts = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Private Polo" in parts  # the row is there…
    assert b"private@example.org" not in parts  # …without its address


def test_it_describes_no_address_in_the_api_schema(client, initiative):
    schema = client.get("/api/schema/?format=json").json()
    for name, component in schema["components"]["schemas"].items():
        assert "email" not in component.get("properties", {}), name


def test_it_offers_the_forwarding_form_on_the_detail_page(client, initiative):
    page = body(client.get("/en/initiatives/private/")).decode()
    assert f'href="{reverse("hub:interest", args=["private"])}"' in page
    assert "the catalogue's team forwards your message when it has one on file" in page


def export(client, *initiatives):
    return client.post(
        reverse("admin:initiatives_initiative_changelist"),
        {"action": "export_contact_addresses", "_selected_action": [i.pk for i in initiatives]},
    )


def staff(is_staff=True, *codenames):
    user = User.objects.create_user(f"user-{is_staff}-{len(codenames)}", "u@example.org", "pw", is_staff=is_staff)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_it_gives_staff_who_view_initiatives_the_addresses_of_those_selected(client, initiative, make_initiative):
    draft = make_initiative(name="=Draft", slug="draft", is_published=False, email="=1+2@example.org")
    client.force_login(staff(True, "view_initiative"))
    response = export(client, initiative, draft)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="initiative-contacts-')
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [(row["slug"], row["email"]) for row in rows] == [("draft", "'=1+2@example.org"), ("private", ADDRESS)]
    assert rows[0]["name"] == "'=Draft"  # the same neutralising writer as the public exports
    assert rows[1]["url"] == "http://testserver/en/initiatives/private/"
    assert "other-private@example.org" not in str(rows)  # only the selected ones


def test_it_refuses_the_addresses_to_staff_without_the_view_permission(client, initiative):
    client.force_login(staff(True))
    response = export(client, initiative)
    assert response.status_code == 403
    assert ADDRESS.encode() not in response.content


def test_it_gives_nothing_to_a_user_who_is_not_staff(client, initiative):
    client.force_login(staff(False, "view_initiative"))
    response = export(client, initiative)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert ADDRESS.encode() not in response.content
