"""Dates as each language writes them (lowercase months in Portuguese and Spanish) and events'
time zones by readable name and offset."""

import datetime
import zoneinfo

import pytest

from hub.time_zones import time_zone_label, utc_offset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation")]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("pt-br", "29 de novembro de 2026"), ("es", "29 de noviembre de 2026"), ("en", "Nov. 29, 2026")],
)
def test_it_writes_news_dates_with_the_month_as_each_language_does(client, make_news, language, expected):
    item = make_news(title="Feira", language="pt-br", published_on=datetime.date(2026, 11, 29))
    html = client.get(f"/{language}/news/{item.slug}/").content.decode()
    assert f'<time datetime="2026-11-29">{expected}</time>' in html
    listing = client.get(f"/{language}/news/").content.decode()
    assert f">{expected}</time>" in listing


def test_it_writes_an_events_date_and_time_in_lowercase_portuguese(client, make_event):
    start = datetime.datetime(2031, 3, 4, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/Sao_Paulo"))
    event = make_event(start=start, end=start + datetime.timedelta(hours=2), time_zone="America/Sao_Paulo")
    html = client.get(f"/pt-br/events/{event.slug}/").content.decode()
    assert "4 de março de 2031 às 09:30</time> – <time" in html and "11:30</time>" in html


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("pt-br", "America/Sao_Paulo", "(horário de Brasília, UTC−3)"),
        ("es", "America/Bogota", "(hora de Colombia, UTC−5)"),
        ("en", "America/Bogota", "(Colombia Time, UTC−5)"),
        ("es", "America/Sao_Paulo", "(hora de Brasilia, UTC−3)"),
    ],
)
def test_it_names_an_events_time_zone_and_offset_in_the_page_language(client, make_event, language, zone, expected):
    start = datetime.datetime(2031, 5, 6, 9, 0, tzinfo=zoneinfo.ZoneInfo(zone))
    event = make_event(start=start, end=start + datetime.timedelta(hours=8), time_zone=zone)
    for path in (f"/{language}/events/{event.slug}/", f"/{language}/events/"):
        html = client.get(path).content.decode()
        assert f'<span class="time-zone">{expected}</span>' in html, path
        assert f"({zone})" not in html


def test_it_gives_the_offset_in_force_on_the_day_summer_time_included():
    santiago = zoneinfo.ZoneInfo("America/Santiago")
    assert utc_offset(santiago, datetime.datetime(2031, 1, 15, 12, tzinfo=datetime.UTC)) == "UTC−3"
    assert utc_offset(santiago, datetime.datetime(2031, 7, 15, 12, tzinfo=datetime.UTC)) == "UTC−4"
    assert utc_offset(zoneinfo.ZoneInfo("Asia/Kolkata"), datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)) == (
        "UTC+5:30"
    )
    assert utc_offset(zoneinfo.ZoneInfo("UTC"), datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)) == "UTC"


def test_it_names_a_zone_for_each_language():
    moment = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)
    assert time_zone_label("America/Bogota", moment, "pt-br") == "horário da Colômbia, UTC−5"
    assert time_zone_label("America/Bogota", moment, "es") == "hora de Colombia, UTC−5"
