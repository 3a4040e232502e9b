import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MODELS = ["initiative", "sector", "theme", "program", "route", "region", "municipality"]


@pytest.mark.parametrize("model", MODELS)
def test_it_sends_anonymous_visitors_to_log_in(client, model):
    url = reverse(f"admin:initiatives_{model}_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("model", MODELS)
def test_it_shows_every_changelist_and_add_form_to_a_superuser(client, superuser, reference_data, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:initiatives_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:initiatives_{model}_add")).status_code == 200


def test_it_lists_the_13_rotas_and_5571_municipalities(client, superuser, reference_data):
    client.force_login(superuser)
    rotas = client.get(reverse("admin:initiatives_route_changelist"))
    assert "13 Routes" in rotas.content.decode()  # the admin in English
    municipalities = client.get(reverse("admin:initiatives_municipality_changelist"))
    assert "5571 municipalities" in municipalities.content.decode()


def test_it_refuses_staff_without_permissions(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:initiatives_initiative_changelist")).status_code == 403


def test_it_searches_initiatives_by_territory(client, superuser, make_initiative):
    make_initiative(name="Polo Lácteo", territory="Sertão Central e Vale do Jaguaribe")
    make_initiative(name="Cluster Café do Huila")
    client.force_login(superuser)
    response = client.get(reverse("admin:initiatives_initiative_changelist"), {"q": "Jaguaribe"})
    assert "Polo Lácteo" in response.content.decode()
    assert "Cluster Café do Huila" not in response.content.decode()


def test_it_autocompletes_municipalities(client, superuser, reference_data):
    client.force_login(superuser)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "initiatives", "model_name": "initiative", "field_name": "municipalities", "term": "Fortal"},
    )
    assert response.status_code == 200
    assert any(r["text"].startswith("Fortaleza") for r in response.json()["results"])


def test_it_saves_an_initiative_from_the_admin_and_indexes_its_municipalities(client, superuser, reference_data):
    from initiatives.models import Initiative, Municipality

    client.force_login(superuser)
    crato = Municipality.objects.get(code="2304202")
    response = client.post(
        reverse("admin:initiatives_initiative_add"),
        {
            "name": "Polo Novo",
            "slug": "polo-novo",
            "kind": "apl",
            "status": "active",
            "language": "pt-br",
            "country": "BR",
            "municipalities": [crato.pk],
            "location_precision": "municipality",
            "latitude": "-7.23",
            "longitude": "-39.41",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "crato" in Initiative.objects.get(slug="polo-novo").search_text
