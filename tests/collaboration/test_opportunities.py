"""Collaboration opportunities: publishing (and its review), bad input and abuse, the public list
with its facets, detail pages, feeds, and the panels on the catalogue's pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Management, Opportunity, SoughtCountry
from initiatives.models import Theme
from initiatives.reference import lac_country_codes

from .opportunity_fixtures import make_account, make_manager, make_opportunity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("collaboration_isolation", "english")]

IN_A_MONTH = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def form_data(**changes):
    data = {
        "kind": "stay_offered",
        "title": "Estancia profesional en Medellín",
        "description": "Dos semanas con nuestras empresas de café.",
        "language": "es",
        "closes_on": IN_A_MONTH,
        "countries": ["BR", "PE"],
        "themes": [],
        "sectors": [],
    }
    data.update(changes)
    return data


def publish_url(initiative):
    return reverse("collaboration:publish", args=[initiative.slug])


# -- publishing and review ------------------------------------------------------------------


def test_it_holds_a_new_managers_first_opportunity_until_staff_approve_it(
    client, coffee_cluster, cluster_manager, superuser
):
    client.force_login(cluster_manager)
    response = client.post(publish_url(coffee_cluster), form_data())
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert not opportunity.is_published
    assert sorted(SoughtCountry.objects.values_list("country", flat=True)) == ["BR", "PE"]
    assert client.get(opportunity.get_absolute_url()).status_code == 404
    assert opportunity.title not in client.get(reverse("collaboration:opportunities")).content.decode()

    client.force_login(superuser)
    changelist = reverse("admin:collaboration_opportunity_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [opportunity.pk]})
    opportunity.refresh_from_db()
    assert opportunity.is_published and opportunity.reviewed_by == superuser
    client.logout()
    page = client.get(opportunity.get_absolute_url())
    assert page.status_code == 200 and "Estancia profesional en Medellín" in page.content.decode()


def test_it_publishes_at_once_once_a_first_opportunity_was_approved(client, coffee_cluster, cluster_manager, superuser):
    first = make_opportunity(coffee_cluster, cluster_manager, published=False)
    from collaboration.opportunities import approve

    approve(Opportunity.objects.filter(pk=first.pk), superuser)
    client.force_login(cluster_manager)
    response = client.post(publish_url(coffee_cluster), form_data(title="Segunda"))
    second = Opportunity.objects.get(title="Segunda")
    assert second.is_published
    assert response.url == second.get_absolute_url()


def test_it_does_not_count_a_refused_opportunity_as_a_reason_to_trust(
    client, coffee_cluster, cluster_manager, superuser
):
    first = make_opportunity(coffee_cluster, cluster_manager, published=False)
    from collaboration.opportunities import refuse

    refuse(Opportunity.objects.filter(pk=first.pk), superuser)
    client.force_login(cluster_manager)
    client.post(publish_url(coffee_cluster), form_data(title="Again"))
    assert not Opportunity.objects.get(title="Again").is_published


# -- bad input and abuse ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_on": "2020-01-01"}, "closes_on", "The closing date 2020-01-01 has passed"),
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"countries": lac_country_codes()}, "countries", "choose at most 20"),
        ({"countries": ["FR"]}, "countries", "Select a valid choice. FR is not one of the available choices."),
        ({"title": "<script>alert(1)</script>"}, "title", "HTML tags such as &lt;script&gt;"),
        ({"description": "Hi <img src=x onerror=alert(1)>"}, "description", "HTML tags such as &lt;script&gt;"),
        ({"closes_on": "not a date"}, "closes_on", "Enter a valid date."),
        ({"kind": "spam"}, "kind", "Select a valid choice."),
        ({"title": "x" * 201}, "title", "Ensure this value has at most 200 characters"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message_and_publishes_nothing(
    client, coffee_cluster, cluster_manager, changes, field, message
):
    client.force_login(cluster_manager)
    response = client.post(publish_url(coffee_cluster), form_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Opportunity.objects.exists()
    assert not SoughtCountry.objects.exists()


def test_it_accepts_twenty_countries(client, coffee_cluster, cluster_manager):
    client.force_login(cluster_manager)
    response = client.post(publish_url(coffee_cluster), form_data(countries=lac_country_codes()[:20]))
    assert response.status_code == 302
    assert SoughtCountry.objects.count() == 20


def test_it_forbids_publishing_for_an_initiative_one_does_not_manage(
    client, coffee_cluster, coffee_polo, cluster_manager
):
    client.force_login(cluster_manager)
    assert client.get(publish_url(coffee_polo)).status_code == 403
    response = client.post(publish_url(coffee_polo), form_data())
    assert response.status_code == 403
    assert "You do not manage this initiative" in response.content.decode()
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("status", [Management.Status.REQUESTED, Management.Status.REFUSED, Management.Status.REVOKED])
def test_it_forbids_publishing_without_an_approved_management(client, coffee_polo, status):
    user = make_account("someone@example.org")
    Management.objects.create(user=user, initiative=coffee_polo, status=status, who_they_are="me")
    client.force_login(user)
    assert client.post(publish_url(coffee_polo), form_data()).status_code == 403
    assert not Opportunity.objects.exists()


def test_it_forbids_an_unverified_account_to_publish(client, coffee_cluster):
    unverified = make_manager(coffee_cluster, "new@example.org", verified=False)
    client.force_login(unverified)
    response = client.post(publish_url(coffee_cluster), form_data())
    assert response.status_code == 403
    assert "Verify your e-mail address" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client, coffee_cluster):
    response = client.post(publish_url(coffee_cluster), form_data())
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Opportunity.objects.exists()


def test_it_limits_the_opportunities_an_account_publishes_in_a_day(client, coffee_cluster, cluster_manager, settings):
    settings.COLLABORATION_OPPORTUNITIES_PER_DAY = 2
    client.force_login(cluster_manager)
    for n in range(2):
        assert client.post(publish_url(coffee_cluster), form_data(title=f"T{n}")).status_code == 302
    response = client.post(publish_url(coffee_cluster), form_data(title="One too many"))
    assert response.status_code == 429
    assert "the most opportunities allowed in one day" in response.content.decode()
    assert Opportunity.objects.count() == 2


# -- public list, detail, feeds -------------------------------------------------------------


def test_it_lists_published_opportunities_with_facets_and_counts(client, coffee_cluster, coffee_polo, cluster_manager):
    other = make_manager(coffee_polo)
    make_opportunity(
        coffee_cluster,
        cluster_manager,
        kind="stay_offered",
        countries=["BR"],
        themes=["market-access"],
        sectors=["coffee"],
    )
    make_opportunity(coffee_cluster, cluster_manager, kind="training", countries=["BR", "PE"])
    make_opportunity(coffee_polo, other, kind="training", closes_on=timezone.localdate() - datetime.timedelta(days=1))
    make_opportunity(coffee_polo, other, title="Pending one", published=False)
    page = client.get(reverse("collaboration:opportunities"))
    assert page.status_code == 200
    assert page.context["count"] == 3
    facets = {f.name: {o.value: o.count for o in f.options} for f in page.context["facets"]}
    assert facets["kind"] == {"stay_offered": 1, "training": 2}
    assert facets["country"] == {"BR": 2, "PE": 1}
    assert facets["status"] == {"open": 2, "closed": 1}
    assert facets["theme"] == {"market-access": 1}
    assert facets["family"] == {"agri-food": 1}
    assert "Pending one" not in page.content.decode()

    narrowed = client.get(reverse("collaboration:opportunities"), {"kind": "training", "status": "open"})
    assert narrowed.context["count"] == 1
    # Counts of a facet ignore its own filter: the other kinds stay offered with their numbers.
    kinds = next(f for f in narrowed.context["facets"] if f.name == "kind")
    assert {o.value: o.count for o in kinds.options} == {"stay_offered": 1, "training": 1}


def test_it_explains_and_drops_unknown_filter_values(client, coffee_cluster, cluster_manager):
    make_opportunity(coffee_cluster, cluster_manager)
    page = client.get(reverse("collaboration:opportunities"), {"kind": "<b>bogus</b>", "country": "FR"})
    assert page.status_code == 200
    assert page.context["count"] == 1
    assert len(page.context["notices"]) == 2
    assert "<b>bogus</b>" not in page.content.decode()


def test_it_keeps_a_closed_opportunity_readable_and_marked_closed(client, coffee_cluster, cluster_manager):
    closed = make_opportunity(
        coffee_cluster, cluster_manager, closes_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    page = client.get(closed.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "status--closed" in html and "Closed" in html
    assert reverse("collaboration:respond", args=[closed.pk]) not in html
    assert client.get(reverse("collaboration:respond", args=[closed.pk])).status_code == 410


def test_it_never_shows_the_managers_address(client, coffee_cluster, cluster_manager):
    opportunity = make_opportunity(coffee_cluster, cluster_manager)
    for url in (opportunity.get_absolute_url(), reverse("collaboration:respond", args=[opportunity.pk])):
        assert "ana@cluster.example.co" not in client.get(url).content.decode()
    assert "ana@cluster.example.co" not in client.get(reverse("collaboration:opportunity_feed")).content.decode()


def test_it_publishes_an_atom_feed_of_opportunities(client, coffee_cluster, cluster_manager):
    make_opportunity(coffee_cluster, cluster_manager, title="Missão <comercial>", kind="market_access")
    make_opportunity(coffee_cluster, cluster_manager, title="Not yet", published=False)
    feed = client.get(reverse("collaboration:opportunity_feed"))
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Market-access mission: Missão &lt;comercial&gt;" in body
    assert "Not yet" not in body


def test_it_adds_closing_dates_to_the_events_calendar_as_all_day_items(client, coffee_cluster, cluster_manager):
    import icalendar

    opportunity = make_opportunity(coffee_cluster, cluster_manager, title="Estancia")
    make_opportunity(coffee_cluster, cluster_manager, title="Hidden", published=False)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("hub:events_ics")).content)
    items = [c for c in calendar.walk("VEVENT") if str(c["uid"]).startswith("collaboration-opportunity-")]
    assert len(items) == 1
    item = items[0]
    assert item["summary"] == "Closes: Estancia"
    assert item.decoded("dtstart") == opportunity.closes_on  # a date, not a datetime: all day
    assert item.decoded("dtend") == opportunity.closes_on + datetime.timedelta(days=1)
    assert str(item["url"]).endswith(opportunity.get_absolute_url())


# -- panels on the catalogue's pages -------------------------------------------------------


def test_it_shows_open_opportunities_on_the_initiative_page(client, coffee_cluster, cluster_manager):
    make_opportunity(coffee_cluster, cluster_manager, title="Open one")
    make_opportunity(
        coffee_cluster, cluster_manager, title="Old one", closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    make_opportunity(coffee_cluster, cluster_manager, title="Pending one", published=False)
    html = client.get(coffee_cluster.get_absolute_url()).content.decode()
    assert "Open one" in html
    assert "Old one" not in html and "Pending one" not in html


def test_the_initiative_page_reads_its_opportunities_without_reading_the_initiative_again(
    client, coffee_cluster, cluster_manager
):
    make_opportunity(coffee_cluster, cluster_manager, title="Open one")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(coffee_cluster.get_absolute_url()).content.decode()
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "collaboration_opportunity"')]
    assert "Open one" in html
    assert len(reads) == 1 and "initiatives_initiative" not in reads[0]


def test_it_shows_the_latest_open_opportunities_on_the_home_page(client, coffee_cluster, cluster_manager):
    client.get(reverse("initiatives:home"))  # cached before the opportunity exists
    make_opportunity(coffee_cluster, cluster_manager, title="Fresh on the home page")
    assert "Fresh on the home page" in client.get(reverse("initiatives:home")).content.decode()


def test_it_gathers_a_themes_opportunities_on_the_theme_page(client, coffee_cluster, cluster_manager):
    make_opportunity(coffee_cluster, cluster_manager, title="Circular", themes=["circular-economy"])
    make_opportunity(coffee_cluster, cluster_manager, title="Elsewhere", themes=["market-access"])
    theme = Theme.objects.get(slug="circular-economy")
    html = client.get(theme.get_absolute_url()).content.decode()
    assert "Circular" in html and "Elsewhere" not in html
    assert theme in Theme.objects.with_published()
