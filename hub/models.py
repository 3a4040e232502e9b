"""The knowledge hub: library, events and news, written by staff in one language or several."""

import secrets
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from initiatives.models import Initiative, Sector, Theme
from initiatives.text import fold
from initiatives.translation import LANGUAGE_CHOICES, localized

from .querysets import EventQuerySet, LibraryItemQuerySet, NewsQuerySet
from .validators import validate_image_size, validate_pdf

EARLIEST_YEAR = 1900
TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


def validate_time_zone(name: str) -> None:
    # Not field choices: the tz database changes, and each change would need a migration.
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("%(name)s is not a time zone of the IANA database."), params={"name": name})


class HubContent(models.Model):
    """Title and summary in an original language (`language`) with optional translations."""

    language = models.CharField(_("language of the texts"), max_length=8, choices=LANGUAGE_CHOICES, default="pt-br")
    title = models.CharField(_("title"), max_length=300)
    title_pt_br = models.CharField(_("title (Portuguese)"), max_length=300, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_pt_br = models.TextField(_("summary (Portuguese)"), blank=True)
    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    is_published = models.BooleanField(_("published"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def display_title(self):
        return localized(self, "title")

    @property
    def display_summary(self):
        return localized(self, "summary")

    def searchable_parts(self) -> list[str]:
        return [self.title, self.title_pt_br, self.title_es, self.title_en]


class ShippedContent(models.Model):
    """Content that may come from the project's own files (see hub.loading)."""

    # The item's URL in the shipped file: its identity when the file is loaded again.
    source_key = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    # The values it was last loaded with: a field that differs from them was edited, and stays.
    as_loaded = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


class LibraryItem(ShippedContent, HubContent):
    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        METHODOLOGY = "methodology", _("Methodology")
        TOOL = "tool", _("Tool")
        SUPPORT_PROGRAMME = "support_programme", _("Support programme")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PUBLICATION)
    authors = models.CharField(_("authors or organisation"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(2100)]
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    document = models.FileField(
        _("PDF document"),
        upload_to="hub/library/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("A PDF file; it is public once saved."),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="library_items", verbose_name=_("themes"))
    search_text = models.TextField(editable=False, default="")  # folded search index, kept in step on save

    objects = LibraryItemQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        indexes = [
            # The public list: published items by kind and by year.
            models.Index(fields=["is_published", "kind"], name="library_pub_kind"),
            models.Index(fields=["is_published", "-year"], name="library_pub_year"),
        ]
        constraints = [
            # An item points somewhere: a link, an uploaded PDF or both.
            models.CheckConstraint(condition=~Q(link="") | ~Q(document=""), name="library_item_has_link_or_document"),
            # Years before 1900 are typing mistakes.
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=EARLIEST_YEAR), name="library_item_year_plausible"
            ),
        ]

    def save(self, *args, **kwargs):
        parts = [*self.searchable_parts(), self.authors, self.summary, self.summary_pt_br, self.summary_es]
        self.search_text = " ".join(fold(p) for p in [*parts, self.summary_en] if p)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hub:library_item", args=[self.slug])

    def clean(self):
        if not self.link and not self.document:
            raise ValidationError(_("Give a link or upload a PDF document."), code="no_link_or_document")

    @property
    def url(self) -> str:
        """Where the item itself lives: the uploaded PDF first, else the link."""
        return self.document.url if self.document else self.link


class Event(ShippedContent, HubContent):
    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        COURSE = "course", _("Course")
        WEBINAR = "webinar", _("Webinar")
        MEETING = "meeting", _("Meeting")
        PROFESSIONAL_STAY = "professional_stay", _("Professional stay")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/Sao_Paulo",
        validators=[validate_time_zone],
        help_text=_("Where the event happens; start and end are read in this time zone."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="events", verbose_name=_("themes"))

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # Upcoming and past lists split published events on their end.
            models.Index(fields=["is_published", "end"], name="event_pub_end"),
        ]
        constraints = [
            # An event cannot end before it starts.
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_ends_after_start"),
        ]

    def get_absolute_url(self):
        return reverse("hub:event", args=[self.slug])

    def clean(self):
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The event cannot end before it starts.")
        # Visitors must know where to go; an event of the past may be recorded without its place.
        if not self.place and not self.is_online and not (self.end and self.is_past):
            errors["place"] = _("Give a place, or tick 'online'.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()


class News(HubContent):
    published_on = models.DateField(_("date"), default=timezone.localdate)
    body = models.TextField(_("body"), blank=True, help_text=_("Plain text; blank lines separate paragraphs."))
    body_pt_br = models.TextField(_("body (Portuguese)"), blank=True)
    body_es = models.TextField(_("body (Spanish)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    image = models.ImageField(
        _("image"), upload_to="hub/news/%Y/", blank=True, validators=[validate_image_size], width_field="image_width",
        height_field="image_height",
    )  # fmt: skip
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    initiatives = models.ManyToManyField(
        Initiative, blank=True, related_name="news", verbose_name=_("related initiatives")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="news", verbose_name=_("themes"))

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [
            # The news list and the feed: newest published first.
            models.Index(fields=["is_published", "-published_on"], name="news_pub_newest"),
        ]
        constraints = [
            # An image always comes with its text alternative.
            models.CheckConstraint(condition=Q(image="") | ~Q(image_alt=""), name="news_image_has_alt_text"),
        ]

    def get_absolute_url(self):
        return reverse("hub:news_item", args=[self.slug])

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})

    @property
    def display_body(self):
        return localized(self, "body")


REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed without doubt


def new_reference() -> str:
    """'K7QX2-MHW9R': 10 random characters of 31, about 50 bits, so references cannot be guessed."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


class Proposal(models.Model):
    """An initiative proposed by a visitor; staff review it and may turn it into a draft initiative."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    reference = models.CharField(_("tracking reference"), max_length=16, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    name = models.CharField(_("name of the initiative"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Initiative.Kind.choices, default=Initiative.Kind.CLUSTER)
    country = CountryField(_("country"))
    territory = models.CharField(
        _("territory"), max_length=300, blank=True, help_text=_("Municipalities, region or area it covers.")
    )
    language = models.CharField(_("language of the texts"), max_length=8, choices=LANGUAGE_CHOICES, default="pt-br")
    description = models.TextField(_("description"), max_length=5000)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="+", verbose_name=_("sectors"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("themes"))
    managing_organisation = models.CharField(_("managing organisation"), max_length=300, blank=True)
    year_started = models.PositiveSmallIntegerField(
        _("year started"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    member_count = models.PositiveIntegerField(_("member firms or producers"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    proposer_name = models.CharField(_("your name"), max_length=200)
    proposer_email = models.EmailField(_("your e-mail"), help_text=_("Only staff see it."))
    proposer_organisation = models.CharField(_("your organisation"), max_length=300, blank=True)
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft initiative"),
    )
    staff_notes = models.TextField(_("staff notes"), blank=True, help_text=_("Staff only; never published."))
    created = models.DateTimeField(_("received"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("initiative proposal")
        verbose_name_plural = _("initiative proposals")
        indexes = [
            # The review queue: new proposals, oldest waiting first.
            models.Index(fields=["status", "created"], name="proposal_status_created"),
        ]

    def __str__(self):
        return f"{self.name} ({self.reference})"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("hub:proposal_status", args=[self.reference])


class Interest(models.Model):
    """An expression of interest in collaborating with an initiative, held for moderation."""

    class Status(models.TextChoices):
        NEW = "new", _("Awaiting moderation")
        FORWARDED = "forwarded", _("Forwarded")
        REJECTED = "rejected", _("Rejected")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="interests", verbose_name=_("initiative")
    )
    name = models.CharField(_("your name"), max_length=200)
    organisation = models.CharField(_("your organisation"), max_length=300, blank=True)
    email = models.EmailField(_("your e-mail"), help_text=_("The initiative replies to this address."))
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    forwarded_at = models.DateTimeField(_("forwarded"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        indexes = [
            # The moderation inbox: messages by status, newest first.
            models.Index(fields=["status", "-created"], name="interest_status_newest"),
        ]
        constraints = [
            # A forwarded message records when it left.
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(forwarded_at__isnull=False), name="interest_forwarded_has_time"
            ),
        ]

    def __str__(self):
        return _("%(name)s about %(initiative)s") % {"name": self.name, "initiative": self.initiative}

    def clean(self):
        if self.status == self.Status.FORWARDED and self.forwarded_at is None:
            raise ValidationError({"status": _("Use the 'forward' action: it sends the message and records when.")})
