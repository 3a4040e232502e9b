import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from ..hub_fixtures import PNG_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]


def get(client, name, *args, **params):
    with translation.override("en"):
        url = reverse(f"hub:{name}", args=args)
    return client.get(url, params)


def test_it_lists_published_library_items_only(client, make_library_item):
    make_library_item(title="Cluster toolkit", kind="tool")
    make_library_item(title="Hidden draft", is_published=False)
    response = get(client, "library")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cluster toolkit" in html and "Hidden draft" not in html
    assert "1 item found." in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "methodology"}, {"Method"}),
        ({"theme": "circular-economy"}, {"Method"}),
        ({"country": "ar"}, {"Method", "Programme"}),
        ({"year": "2021"}, {"Programme"}),
        ({"language": "es"}, {"Programme"}),
        ({"q": "metodo"}, {"Method"}),
        ({"q": "FINANCIACIÓN rural"}, {"Programme"}),
    ],
)
def test_it_filters_and_searches_the_library(client, make_library_item, params, expected):
    make_library_item(
        title="Method",
        title_pt_br="Método",
        kind="methodology",
        year=2019,
        countries=["AR"],
        themes=["circular-economy"],
    )
    make_library_item(
        title="Programme", kind="support_programme", year=2021, language="es", countries=["AR", "CL"],
        summary="Financiación rural",
    )  # fmt: skip
    make_library_item(title="Other", kind="tool", year=2020, countries=["MX"])
    page = get(client, "library", **params).context["page"]
    assert {item.title for item in page} == expected


def test_it_explains_an_invalid_library_filter_instead_of_failing(client, make_library_item):
    make_library_item(title="Method")
    response = get(client, "library", year="last year")
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()
    assert list(response.context["page"]) == []


def test_it_shows_a_library_item_in_the_page_language_and_says_when_it_cannot(client, make_library_item):
    item = make_library_item(
        title="Guía de clústeres", language="es", summary="Cómo <b>organizar</b>", countries=["CO"],
        themes=["market-access"],
    )  # fmt: skip
    html = get(client, "library_item", item.slug).content.decode()
    assert '<h1 lang="es">Guía de clústeres</h1>' in html
    assert "Only available in Spanish." in html
    assert "Cómo &lt;b&gt;organizar&lt;/b&gt;" in html  # never rendered as HTML
    assert "Colombia" in html and "Market access" in html
    item.title_en = "Cluster guide"
    item.save()
    html = get(client, "library_item", item.slug).content.decode()
    assert '<h1 lang="en">Cluster guide</h1>' in html


def test_it_hides_unpublished_detail_pages(client, make_library_item, make_event, make_news):
    assert get(client, "library_item", make_library_item(is_published=False).slug).status_code == 404
    assert get(client, "event", make_event(is_published=False).slug).status_code == 404
    assert get(client, "news_item", make_news(is_published=False).slug).status_code == 404


def test_it_lists_upcoming_and_past_events(client, make_event):
    make_event(title="Next course", kind="course", days_ahead=5)
    make_event(title="Last fair", days_ahead=-30)
    upcoming = get(client, "events").content.decode()
    past = get(client, "events_past").content.decode()
    assert "Next course" in upcoming and "Last fair" not in upcoming
    assert "Last fair" in past and "Next course" not in past


def test_it_shows_an_event_in_its_own_time_zone(client, make_event):
    import datetime
    from zoneinfo import ZoneInfo

    start = datetime.datetime(2031, 3, 4, 9, 30, tzinfo=ZoneInfo("America/Bogota"))
    event = make_event(
        title="Taller", start=start, end=start + datetime.timedelta(hours=3), time_zone="America/Bogota",
        place="", is_online=True, registration_url="https://example.org/register",
    )  # fmt: skip
    html = get(client, "event", event.slug).content.decode()
    assert "9:30" in html and "12:30" in html and "(Colombia Time, UTC−5)" in html
    assert 'datetime="2031-03-04T09:30:00-05:00"' in html
    assert "Online" in html and "https://example.org/register" in html
    assert reverse("hub:event_ics", args=[event.slug]) in html


def test_it_shows_news_with_its_image_body_and_published_initiatives(client, make_news, make_initiative):
    shown = make_initiative(name="Polo do Mel")
    draft = make_initiative(name="Draft polo", is_published=False)
    news = make_news(
        title="Honey fair", summary="A fair.", body="First <script>x</script> paragraph.\n\nSecond paragraph.",
        image=SimpleUploadedFile("fair.png", PNG_BYTES), image_alt="Producers at the fair", language="en",
        initiatives=[shown, draft],
    )  # fmt: skip
    html = get(client, "news_item", news.slug).content.decode()
    assert 'alt="Producers at the fair"' in html and 'width="4" height="3"' in html
    assert "<p>First &lt;script&gt;x&lt;/script&gt; paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "Polo do Mel" in html and "Draft polo" not in html
    listing = get(client, "news").content.decode()
    assert "Honey fair" in listing and reverse("hub:news_feed") in listing


def test_it_paginates_the_news_keeping_the_query(client, make_news):
    for n in range(25):
        make_news(title=f"Story {n}")
    response = get(client, "news", page=2)
    assert len(response.context["page"]) == 5
    assert 'href="?page=1"' in response.content.decode()


def render_include(name, **context):
    request = RequestFactory().get("/en/")
    with translation.override("en"):
        return Template("{% include '" + name + "' %}").render(Context({"request": request, **context}))


def test_it_renders_the_home_panels_with_latest_news_and_next_events(make_news, make_event):
    make_news(title="Fresh news")
    make_news(title="Unpublished news", is_published=False)
    make_event(title="Next webinar", days_ahead=2)
    make_event(title="Old event", days_ahead=-3)
    html = render_include("hub/includes/home_panels.html")
    assert "Fresh news" in html and "Next webinar" in html
    assert "Unpublished news" not in html and "Old event" not in html


def test_it_gathers_a_theme_library_events_and_news(make_library_item, make_event, make_news):
    from initiatives.models import Theme

    theme = Theme.objects.get(slug="circular-economy")
    make_library_item(title="Circular guide", themes=[theme])
    make_library_item(title="Unrelated guide")
    make_event(title="Circular webinar", themes=[theme])
    make_news(title="Circular news", themes=[theme])
    html = render_include("hub/includes/theme_panels.html", theme=theme)
    assert "Circular guide" in html and "Circular webinar" in html and "Circular news" in html
    assert "Unrelated guide" not in html
    assert "?theme=circular-economy" in html


def test_it_lists_published_hub_pages_in_every_language_for_the_sitemap(make_library_item, make_news):
    from hub.sitemaps import SECTIONS

    make_library_item(slug="guide")
    make_news(slug="draft", is_published=False)

    entries = [urls for section in SECTIONS.values() for urls, _lastmod in section().entries(1, root="")]
    paths = sorted(path for urls in entries for path in urls.values())
    assert paths == ["/en/library/guide/", "/es/library/guide/", "/pt-br/library/guide/"]


def test_it_lists_a_full_page_in_a_constant_number_of_queries(
    client, make_library_item, make_event, make_news, django_assert_max_num_queries
):
    for n in range(20):
        make_library_item(themes=["market-access"], countries=["BR"])
        make_event(days_ahead=n + 1)
        make_news()
    # Session-free pages: count, page of rows, one grouped count per facet, the themes' names.
    with django_assert_max_num_queries(7):
        assert len(get(client, "library").context["page"]) == 20
    with django_assert_max_num_queries(5):
        assert len(get(client, "events").context["page"]) == 20
    with django_assert_max_num_queries(4):
        assert len(get(client, "news").context["page"]) == 20


def test_it_offers_library_facets_with_counts_only_for_terms_with_items(client, make_library_item):
    make_library_item(title="A", kind="methodology", countries=["CO", "AR"], themes=["circular-economy"])
    make_library_item(title="B", kind="methodology", countries=["CO"])
    make_library_item(title="C", kind="tool", countries=["BR"], is_published=False)
    response = get(client, "library", kind="methodology", country="co")
    facets = {facet.name: facet for facet in response.context["facets"]}
    assert [(o.value, o.count, o.selected) for o in facets["country"].options] == [
        ("AR", 1, False),
        ("CO", 2, True),
    ]
    # A facet counts with the other filters: "tool" only has an unpublished item, so it is not offered.
    assert [(o.value, o.count) for o in facets["kind"].options] == [("methodology", 2)]
    assert [(o.value, o.count) for o in facets["theme"].options] == [("circular-economy", 1)]
    html = response.content.decode()
    assert 'class="chip" href="/en/library/?kind=methodology"' in html  # removes the country
    assert '<select name="country"' not in html and '<select name="kind"' not in html
    assert get(client, "library", country="FR").context["page"].object_list.count() == 0  # outside the region


def test_it_filters_events_and_news_by_theme_and_kind_with_facets(client, make_event, make_news):
    make_event(title="Course", kind="course", themes=["market-access"])
    make_event(title="Webinar", kind="webinar")
    make_news(title="Fair", themes=["market-access"])
    make_news(title="Other")
    events = get(client, "events", theme="market-access")
    assert [event.title for event in events.context["page"]] == ["Course"]
    assert {facet.name for facet in events.context["facets"]} == {"kind", "theme"}
    assert [news.title for news in get(client, "news", theme="market-access").context["page"]] == ["Fair"]
