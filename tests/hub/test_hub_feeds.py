import datetime
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]
ATOM = "{http://www.w3.org/2005/Atom}"


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"hub:{name}", args=args)


def test_it_publishes_a_valid_atom_feed_of_published_news(client, make_news):
    make_news(title="Honey <fair> & co", summary="Line <b>one</b>", language="en")
    make_news(title="Secret draft", is_published=False)
    response = client.get(url("news_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # raises if the XML is not well formed
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Honey <fair> & co"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href").endswith("/en/news/news-1/")
    assert entry.findtext(f"{ATOM}summary") == "<p>Line &lt;b&gt;one&lt;/b&gt;</p>"  # escaped: never markup
    assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")


def test_it_gives_each_language_its_own_feed(client, make_news):
    make_news(title="Feira do mel", language="pt-br", title_es="Feria de la miel")
    root = ET.fromstring(client.get(url("news_feed", language="es")).content)
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == "Feria de la miel"


def test_it_publishes_an_icalendar_feed_that_parses_back(client, make_event):
    bogota = ZoneInfo("America/Bogota")
    start = datetime.datetime(2031, 5, 6, 9, 0, tzinfo=bogota)
    make_event(
        title="Curso, gestión; clústeres\\ avanzado", start=start, end=start + datetime.timedelta(hours=8),
        time_zone="America/Bogota", kind="course", place="Medellín, Antioquia", summary="Línea uno\nLínea dos " * 20,
    )  # fmt: skip
    make_event(title="Past webinar", days_ahead=-20, place="", is_online=True)
    make_event(title="Hidden", is_published=False)
    response = client.get(url("events_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # RFC 5545 folding at 75 octets
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Curso, gestión; clústeres\\ avanzado", "Past webinar"}
    course = events["Curso, gestión; clústeres\\ avanzado"]
    assert course.decoded("DTSTART") == start and course.decoded("DTSTART").tzinfo.key == "America/Bogota"
    assert course.decoded("DTEND") == start + datetime.timedelta(hours=8)
    assert str(course["LOCATION"]) == "Medellín, Antioquia"
    assert str(course["DESCRIPTION"]).startswith("Línea uno\nLínea dos")
    assert str(events["Past webinar"]["LOCATION"]) == "Online"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")].count("America/Bogota") == 1
    assert len({str(e["UID"]) for e in events.values()}) == 2


def test_it_offers_each_event_as_an_ics_download(client, make_event):
    event = make_event(title="Encontro de polos")
    response = client.get(url("event_ics", event.slug))
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    (only,) = calendar.walk("VEVENT")
    assert str(only["SUMMARY"]) == "Encontro de polos"
    assert str(only["URL"]).endswith(f"/en/events/{event.slug}/")
    assert client.get(url("event_ics", "no-such-event")).status_code == 404
