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


@pytest.mark.parametrize("language", ["pt-br", "es", "en"])
def test_it_offers_the_pages_language_as_the_language_of_a_proposal(client, reference_data, language):
    form = client.get(f"/{language}/propose/").context["form"]
    assert form["language"].value() == language


def test_it_asks_for_a_country_instead_of_showing_dashes(client, reference_data):
    html = client.get("/en/propose/").content.decode()
    assert '<option value="" selected>Choose a country</option>' in html
    assert "---------" not in html


def test_it_keeps_the_language_a_visitor_chose_when_the_proposal_has_errors(client, reference_data):
    form = client.post("/es/propose/", proposal_data(name="", language="en")).context["form"]
    assert form["language"].value() == "en"


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
    html = response.content.decode()
    # Each error next to its field and, as a link to that field, in the summary above the form.
    assert html.count("This field is required.") == 4
    assert '<a href="#id_email">Your e-mail: This field is required.</a>' in html
    assert '<a href="#id_message">Message: This field is required.</a>' in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html and 'id="id_email_error"' in html
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


def test_it_offers_the_countries_of_latin_america_and_the_caribbean_with_the_catalogues_first(client, make_initiative):
    make_initiative(country="CO")
    form = client.get(url("propose")).context["form"]
    empty, (in_catalogue, present), (others, rest) = form.fields["country"].choices
    assert (in_catalogue, present) == ("Countries in the catalogue", [("CO", "Colombia")])
    codes = {code for code, _ in rest}
    assert {"AR", "BR", "JM", "MX"} <= codes and not codes & {"AF", "FR", "US", "CO"}
    assert [name for _, name in rest][:2] == ["Antigua and Barbuda", "Argentina"]
    response = client.post(url("propose"), proposal_data(country="FR"))
    assert response.status_code == 400 and not Proposal.objects.exists()
    assert "Select a valid choice. FR is not one of the available choices." in response.content.decode()


def test_it_marks_the_required_fields_and_links_each_error_from_the_summary(client, reference_data):
    html = client.get(url("propose")).content.decode()
    assert (
        '<label for="id_name">Name of the initiative <span class="required" aria-hidden="true">*</span></label>' in html
    )
    assert '<label for="id_territory">Territory</label>' in html  # optional: no mark
    html = client.post(url("propose"), proposal_data(name="", year_started="1492")).content.decode()
    assert 'class="error-summary" role="alert" tabindex="-1"' in html
    assert '<a href="#id_name">Name of the initiative: This field is required.</a>' in html
    assert '<a href="#id_year_started">Year started: Ensure this value is greater than or equal to 1800.</a>' in html
    assert '<script src="/static/js/site.js"></script>' in html  # moves the focus to the summary
