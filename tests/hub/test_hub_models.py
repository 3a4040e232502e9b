import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils import timezone, translation

from hub.models import Event, Interest, LibraryItem, News, Proposal, new_reference

from ..hub_fixtures import PDF_BYTES, PNG_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hub_isolation", "english")]


def test_it_folds_library_texts_into_the_search_index(make_library_item):
    item = make_library_item(title="Guía de Economía Circular", authors="CEPAL", summary_en="Reuse in clusters")
    assert item.search_text == "guia de economia circular cepal reuse in clusters"
    assert list(LibraryItem.objects.search("ECONOMÍA cepal")) == [item]
    assert list(LibraryItem.objects.search("economia tourism")) == []


def test_it_requires_a_link_or_a_document(reference_data):
    item = LibraryItem(title="Nowhere", slug="nowhere")
    with pytest.raises(ValidationError, match="link or upload a PDF"):
        item.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


def test_it_accepts_a_real_pdf_and_refuses_a_renamed_file(make_library_item, settings):
    good = LibraryItem(title="Guide", slug="guide", document=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    good.full_clean()
    fake = LibraryItem(title="Fake", slug="fake", document=SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"))
    with pytest.raises(ValidationError, match="not a PDF"):
        fake.full_clean()
    settings.HUB_MAX_PDF_BYTES = 10
    with pytest.raises(ValidationError, match="limit is 10"):
        LibraryItem(title="Big", slug="big", document=SimpleUploadedFile("big.pdf", PDF_BYTES)).full_clean()


def test_it_serves_the_uploaded_pdf_first(make_library_item):
    item = make_library_item(link="https://example.org/x", document=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    assert item.url.startswith("/media/hub/library/") and item.url.endswith(".pdf")
    with translation.override("pt-br"):
        assert str(item) == item.title and item.get_absolute_url() == f"/pt-br/library/{item.slug}/"


def test_it_filters_library_items_by_country(make_library_item):
    both = make_library_item(countries=["AR", "BR"])
    make_library_item(countries=["CO"])
    assert list(LibraryItem.objects.in_countries(["br"])) == [both]


def test_it_shows_the_page_language_first_and_marks_the_fallback(make_library_item):
    item = make_library_item(title="Guía", language="es", title_en="Guide")
    with translation.override("en"):
        assert (item.display_title.text, item.display_title.is_original_fallback) == ("Guide", False)
    with translation.override("pt-br"):
        text = item.display_title
        assert (text.text, text.language, text.is_original_fallback) == ("Guía", "es", True)


def test_it_splits_events_into_upcoming_and_past(make_event):
    running = make_event(days_ahead=-1, hours=72)
    soon = make_event(days_ahead=3)
    over = make_event(days_ahead=-10)
    assert list(Event.objects.upcoming()) == [running, soon]
    assert list(Event.objects.past()) == [over]
    assert over.is_past and not soon.is_past


def test_it_refuses_an_event_ending_before_it_starts_or_without_a_place(reference_data):
    start = timezone.now() + datetime.timedelta(days=2)  # visitors must know where to go
    event = Event(title="X", slug="x", start=start, end=start - datetime.timedelta(hours=1), place="")
    with pytest.raises(ValidationError) as raised:
        event.full_clean()
    assert set(raised.value.message_dict) == {"end", "place"}
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_it_records_a_past_event_whose_place_no_source_states(reference_data):
    end = timezone.now() - datetime.timedelta(days=30)
    event = Event(title="Taller", slug="taller", start=end - datetime.timedelta(hours=2), end=end, place="")
    event.full_clean()
    event.save()


def test_it_accepts_an_online_event_and_checks_its_time_zone(reference_data):
    start = timezone.now()
    event = Event(title="Webinar", slug="webinar", kind="webinar", start=start, end=start, is_online=True)
    event.time_zone = "America/Bogota"
    event.full_clean()
    event.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a time zone"):
        event.full_clean()


def test_it_requires_alt_text_with_a_news_image(make_news):
    news = News(title="Image", slug="image", image=SimpleUploadedFile("a.png", PNG_BYTES))
    with pytest.raises(ValidationError, match="Describe the image"):
        news.full_clean()
    news.image_alt = "Honey producers at a fair"
    news.full_clean()
    news.save()
    assert (news.image_width, news.image_height) == (4, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        News.objects.filter(pk=news.pk).update(image_alt="")


def test_it_refuses_a_file_that_is_not_an_image(reference_data):
    # Pillow's check runs in the form field, which the admin uses.
    form_class = modelform_factory(News, fields=["title", "slug", "language", "published_on", "image", "image_alt"])
    data = {"title": "X", "slug": "x", "language": "en", "published_on": "2026-01-02", "image_alt": "x"}
    form = form_class(data, {"image": SimpleUploadedFile("a.png", PDF_BYTES)})
    assert not form.is_valid()
    assert "image" in form.errors
    assert form_class(data, {"image": SimpleUploadedFile("a.png", PNG_BYTES)}).is_valid()


def test_it_gives_each_proposal_an_unguessable_reference(reference_data):
    proposal = Proposal.objects.create(
        name="Polo do Mel", country="BR", description="Mel", proposer_name="Ana", proposer_email="ana@example.org"
    )
    assert len(proposal.reference) == 11 and proposal.reference[5] == "-"
    with translation.override("es"):
        assert proposal.get_absolute_url() == f"/es/proposals/{proposal.reference}/"
    assert len({new_reference() for _ in range(1000)}) == 1000
    assert proposal.reference in str(proposal)


def test_it_records_when_an_interest_was_forwarded(make_initiative):
    interest = Interest(initiative=make_initiative(), name="Rui", email="rui@example.org", message="Hi")
    interest.save()
    assert "Rui" in str(interest)
    interest.status = Interest.Status.FORWARDED
    with pytest.raises(ValidationError, match="forward"):
        interest.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        interest.save()
