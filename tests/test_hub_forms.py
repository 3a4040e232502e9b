import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hub.models import Interest, Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]


def url(name, *args):
    with translation.override("en"):
        return reverse(f"hub:{name}", args=args)


def proposal_data(**overrides):
    data = {
        "name": "Cluster del Cacao de Tumaco",
        "kind": "cluster",
        "country": "CO",
        "territory": "Tumaco, Nariño",
        "language": "es",
        "description": "Productores de cacao fino de aroma.",
        "sectors": [],
        "themes": [],
        "proposer_name": "Lucía Pérez",
        "proposer_email": "lucia@example.org",
        "homepage": "",
    }
    return {**data, **overrides}


def test_it_receives_a_proposal_and_gives_a_tracking_reference(client, reference_data):
    from initiatives.models import Sector, Theme

    data = proposal_data(
        sectors=[Sector.objects.get(slug="cocoa").pk], themes=[Theme.objects.get(slug="market-access").pk]
    )
    response = client.post(url("propose"), data, follow=True)
    proposal = Proposal.objects.get()
    assert response.redirect_chain == [(proposal.get_absolute_url().replace("/pt-br/", "/en/"), 302)]
    html = response.content.decode()
    assert proposal.reference in html and "your proposal was received" in html
    assert "lucia@example.org" not in html  # the status page never shows the proposer's address
    assert proposal.status == "new" and [s.slug for s in proposal.sectors.all()] == ["cocoa"]


def test_it_shows_a_proposal_status_by_reference(client, reference_data):
    client.post(url("propose"), proposal_data())
    proposal = Proposal.objects.get()
    found = client.get(url("proposal_lookup"), {"reference": proposal.reference.lower()})
    assert found.status_code == 302 and found["Location"].endswith(f"/proposals/{proposal.reference}/")
    missing = client.get(url("proposal_lookup"), {"reference": "AAAAA-BBBBB"})
    assert "No proposal has the reference AAAAA-BBBBB" in missing.content.decode()
    assert client.get(url("proposal_status", "AAAAA-BBBBB")).status_code == 404


def test_it_explains_what_is_wrong_with_an_invalid_proposal(client, reference_data):
    response = client.post(url("propose"), proposal_data(name="", proposer_email="not-an-address", year_started="1492"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert "This field is required." in html and "Enter a valid email address." in html
    assert "Ensure this value is greater than or equal to 1800." in html
    assert "Productores de cacao fino de aroma." in html  # nothing the visitor typed is lost
    assert not Proposal.objects.exists()


def test_it_refuses_a_proposal_with_the_honeypot_filled(client, reference_data):
    response = client.post(url("propose"), proposal_data(homepage="http://spam.example"))
    assert response.status_code == 400
    assert "must stay empty" in response.content.decode()
    assert not Proposal.objects.exists()


def test_it_limits_proposals_per_address(client, reference_data, settings):
    settings.HUB_FORM_RATE_LIMIT = 2
    for n in range(2):
        assert client.post(url("propose"), proposal_data(name=f"Cluster {n}")).status_code == 302
    response = client.post(url("propose"), proposal_data(name="Cluster 3"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many submissions from your address" in html and "Cluster 3" in html
    assert Proposal.objects.count() == 2
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(url("propose"), proposal_data(name="Cluster 4")).status_code == 302


def test_it_requires_a_csrf_token(reference_data):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("propose"), proposal_data()).status_code == 403
    assert not Proposal.objects.exists()


def interest_data(**overrides):
    data = {"name": "Rui", "organisation": "Coop Mel", "email": "rui@example.org", "message": "Exportar juntos?"}
    return {**data, "homepage": "", **overrides}


def test_it_holds_an_expression_of_interest_for_moderation(client, make_initiative):
    initiative = make_initiative(name="Polo do Mel", email="contato@polo-mel.example")
    page = client.get(url("interest", initiative.slug))
    assert page.status_code == 200 and "contato@polo-mel.example" not in page.content.decode()
    response = client.post(url("interest", initiative.slug), interest_data(), follow=True)
    assert response.redirect_chain[-1][0] == url("interest_sent", initiative.slug)
    assert "Thank you" in response.content.decode()
    assert "contato@polo-mel.example" not in response.content.decode()
    interest = Interest.objects.get()
    assert (interest.initiative, interest.status, interest.email) == (initiative, "new", "rui@example.org")


def test_it_explains_an_invalid_expression_of_interest(client, make_initiative):
    initiative = make_initiative()
    response = client.post(url("interest", initiative.slug), interest_data(email="", message=""))
    assert response.status_code == 400
    assert response.content.decode().count("This field is required.") == 2
    assert not Interest.objects.exists()


def test_it_refuses_spam_interest(client, make_initiative, settings):
    initiative = make_initiative()
    honeypot = client.post(url("interest", initiative.slug), interest_data(homepage="buy now"))
    assert honeypot.status_code == 400 and not Interest.objects.exists()
    settings.HUB_FORM_RATE_LIMIT = 1
    client.post(url("interest", initiative.slug), interest_data())  # the honeypot post counted already
    assert client.post(url("interest", initiative.slug), interest_data()).status_code == 429
    assert not Interest.objects.exists()


def test_it_offers_no_interest_form_for_unpublished_initiatives(client, make_initiative):
    draft = make_initiative(is_published=False)
    assert client.post(url("interest", draft.slug), interest_data()).status_code == 404
    assert not Interest.objects.exists()


def test_it_links_the_initiative_page_to_its_interest_form_without_a_csrf_token(client, make_initiative):
    initiative = make_initiative()

    response = client.get(f"/en/initiatives/{initiative.slug}/")

    html = response.content.decode()
    assert f'href="{url("interest", initiative.slug)}"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "public" in response["Cache-Control"]  # so a proxy, and the page cache, may keep it
    form = client.get(url("interest", initiative.slug)).content.decode()
    assert 'name="message"' in form and 'class="hp-field"' in form and "csrfmiddlewaretoken" in form
