from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from . import search_index
from .classification import claimed_elsewhere
from .history import HistoryTag
from .querysets import InitiativeQuerySet, VocabularyQuerySet
from .summary import factual_summary
from .text import fold
from .translation import LANGUAGE_CHOICES, LANGUAGE_CODES, localized, suffix

LATITUDE_VALIDATORS = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE_VALIDATORS = [MinValueValidator(-180), MaxValueValidator(180)]
EARLIEST_YEAR = 1800
TRANSLATED_NAME_KEYS = [f"name_key_{suffix(code)}" for code in LANGUAGE_CODES]
SORT_KEYS = [f"sort_key_{suffix(code)}" for code in LANGUAGE_CODES]


class Vocabulary(models.Model):
    """A named term in three languages: sectors, themes, programmes, Rotas."""

    name = models.CharField(_("name"), max_length=200)
    name_pt_br = models.CharField(_("name (Portuguese)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    language = models.CharField(_("language of the name"), max_length=8, choices=LANGUAGE_CHOICES, default="en")
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("short description"), blank=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name").text

    def all_names(self) -> list[str]:
        return [n for n in (self.name, self.name_pt_br, self.name_es, self.name_en) if n]


def split_synonyms(text: str) -> list[str]:
    return [s.strip() for s in (text or "").split(";") if s.strip()]


class SectorFamily(Vocabulary):
    """The classification's first level: a group of related value chains, comparable with the
    cluster categories of the US Cluster Mapping project and the European Cluster Observatory."""

    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other words for it in any language, separated by ';'.")
    )
    cluster_category = models.CharField(
        _("nearest cluster category"),
        max_length=100,
        blank=True,
        help_text=_("The nearest of the 51 categories shared by the US and European cluster maps."),
    )
    isic_section = models.CharField(
        _("ISIC Rev. 4 section"), max_length=1, blank=True, help_text=_("A letter from A to U.")
    )
    history = HistoricalRecords(bases=[HistoryTag])

    class Meta(Vocabulary.Meta):
        verbose_name = _("sector family")
        verbose_name_plural = _("sector families")

    def get_absolute_url(self):
        return reverse("initiatives:list") + f"?family={self.slug}"

    def all_names(self) -> list[str]:
        return super().all_names() + split_synonyms(self.synonyms)

    def clean(self):
        clash = claimed_elsewhere(self, Sector, SectorFamily)
        if clash:
            raise ValidationError({"synonyms": clash})


class Sector(Vocabulary):
    """The classification's second level: a value chain ("Coffee"), under one family."""

    family = models.ForeignKey(
        SectorFamily,
        on_delete=models.PROTECT,
        null=True,
        related_name="sectors",
        verbose_name=_("family"),
    )
    is_general = models.BooleanField(
        _("the family's general sector"),
        default=False,
        help_text=_("What a file means when it names the family itself (“Agroindustria”)."),
    )
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other words for it in any language, separated by ';'.")
    )
    history = HistoricalRecords(bases=[HistoryTag])

    class Meta(Vocabulary.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(is_general=True), name="one_general_sector_per_family"
            ),
        ]

    def get_absolute_url(self):
        return reverse("initiatives:list") + f"?sector={self.slug}"

    def all_names(self) -> list[str]:
        return super().all_names() + split_synonyms(self.synonyms)

    def search_names(self) -> list[str]:
        """What finds its initiatives: its names and synonyms, and its family's ("agronegocio")."""
        family_names = self.family.all_names() if self.family_id else []
        return self.all_names() + family_names

    def clean(self):
        if self.family_id is None:
            raise ValidationError({"family": _("Choose the family this sector belongs to.")})
        clash = claimed_elsewhere(self, Sector, SectorFamily)
        if clash:
            raise ValidationError({"synonyms": clash})


class Theme(Vocabulary):
    history = HistoricalRecords(bases=[HistoryTag])

    class Meta(Vocabulary.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def get_absolute_url(self):
        return reverse("initiatives:theme", args=[self.slug])


class Program(Vocabulary):
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords(bases=[HistoryTag])

    class Meta(Vocabulary.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def get_absolute_url(self):
        return reverse("initiatives:list") + f"?program={self.slug}"


class Route(Vocabulary):
    """A programme's thematic chain, such as the Rota do Mel of Rotas de Integração Nacional."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="routes", verbose_name=_("programme"))
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="routes", verbose_name=_("sector")
    )
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Other spellings used in files, separated by ';' (e.g. 'Rota do Peixe')."),
    )
    history = HistoricalRecords(bases=[HistoryTag])

    class Meta(Vocabulary.Meta):
        verbose_name = _("Rota")
        verbose_name_plural = _("Rotas")

    def get_absolute_url(self):
        return reverse("initiatives:route", args=[self.slug])

    def all_names(self) -> list[str]:
        return super().all_names() + [a.strip() for a in self.aliases.split(";") if a.strip()]


class Region(models.Model):
    """A first-level division of a country (a Brazilian state, a Colombian department…)."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            # A region's code starts with its country's: BR-CE belongs to BR.
            models.CheckConstraint(
                condition=Q(code__startswith=models.functions.Concat("country", models.Value("-"))),
                name="region_code_matches_country",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.code and self.country and not self.code.startswith(f"{self.country}-"):
            raise ValidationError({"code": _("The code must start with the country's code and a hyphen.")})


class Municipality(models.Model):
    country = CountryField(_("country"))
    code = models.CharField(_("official code"), max_length=12, help_text=_("IBGE's 7 digits for Brazil."))
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            # Official codes are unique within a country (IBGE codes in Brazil).
            models.UniqueConstraint(fields=["country", "code"], name="unique_municipality_code"),
        ]

    def __str__(self):
        return f"{self.name} – {self.region.code.split('-')[-1]}"


def families_of(sectors) -> list:
    """The families of these sectors (each with its family loaded), each once, by slug."""
    found = {s.family_id: s.family for s in sectors if s.family_id}
    return sorted(found.values(), key=lambda family: family.slug)


class Initiative(models.Model):
    # Folded copies kept in step by set_derived_fields(): matching, sorting and search read them.
    DERIVED_FIELDS = ["name_key", *TRANSLATED_NAME_KEYS, *SORT_KEYS, "search_text", "own_search_text"]

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Cluster initiative")
        APL = "apl", _("Local productive arrangement (APL)")
        ROTAS_POLO = "rotas_polo", _("Rotas polo")
        NETWORK = "network", _("Productive network")
        TECH_PARK = "tech_park", _("Technology park")
        VALUE_CHAIN = "value_chain", _("Value chain")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Precision(models.TextChoices):
        EXACT = "exact", _("Exact point")
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLUSTER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_published = models.BooleanField(_("published"), default=False, help_text=_("Drafts never reach the public."))
    language = models.CharField(_("language of the texts"), max_length=8, choices=LANGUAGE_CHOICES, default="pt-br")
    description = models.TextField(_("description"), blank=True)
    name_pt_br = models.CharField(_("name (Portuguese)"), max_length=300, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_pt_br = models.TextField(_("description (Portuguese)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    country = CountryField(_("country"))
    regions = models.ManyToManyField(Region, blank=True, related_name="initiatives", verbose_name=_("regions"))
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="initiatives", verbose_name=_("municipalities")
    )
    territory = models.CharField(_("territory"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=LATITUDE_VALIDATORS)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=LONGITUDE_VALIDATORS)
    location_precision = models.CharField(
        _("location precision"), max_length=12, choices=Precision.choices, default=Precision.MUNICIPALITY
    )

    sectors = models.ManyToManyField(Sector, blank=True, related_name="initiatives", verbose_name=_("sectors"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="initiatives", verbose_name=_("themes"))
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("programme"),
    )
    route = models.ForeignKey(
        Route, on_delete=models.PROTECT, null=True, blank=True, related_name="initiatives", verbose_name=_("Rota")
    )

    managing_organisation = models.CharField(_("managing organisation"), max_length=300, blank=True)
    year_started = models.PositiveSmallIntegerField(_("year started"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("member firms or producers"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Never published: visitors' messages are forwarded to it.")
    )
    logo = models.ImageField(_("logo"), upload_to="initiatives/logos/", blank=True)
    source_text = models.TextField(_("source of the facts"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True, help_text=_("Staff only; never published."))
    specialisation = models.CharField(
        _("specialisation"),
        max_length=300,
        blank=True,
        help_text=_("The initiative's own words for what it does (“Specialty high-altitude coffee”)."),
    )
    specialisation_language = models.CharField(
        _("language of the specialisation"),
        max_length=8,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=_("Empty when it is the language of the texts."),
    )

    # Folded copies kept in step on save: identity for the importers, and the search index.
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    search_text = models.TextField(editable=False, default="")
    # search_text without its sectors', Rota's and programme's names: PostgreSQL's search reads
    # a copy of it and finds those names in the vocabulary (initiatives.search_table).
    own_search_text = models.TextField(editable=False, default="")
    # Each translated name folded ("" without one): with name_key, lists sort names as people do
    # (accents and case aside) in every language (InitiativeQuerySet.by_name). Importers write
    # no translation, so only save() needs to keep them in step.
    name_key_pt_br = models.CharField(max_length=300, editable=False, default="")
    name_key_es = models.CharField(max_length=300, editable=False, default="")
    name_key_en = models.CharField(max_length=300, editable=False, default="")
    # The folded name a page in each language shows (see sort_key()): a plain column, so the
    # list's default order is read from an index instead of sorting every row per request.
    sort_key_pt_br = models.CharField(max_length=300, editable=False, default="")
    sort_key_es = models.CharField(max_length=300, editable=False, default="")
    sort_key_en = models.CharField(max_length=300, editable=False, default="")

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = InitiativeQuerySet.as_manager()
    # Who changed what and when, relations included; the folded copies are derived, not history.
    history = HistoricalRecords(
        bases=[HistoryTag],
        m2m_fields=[regions, municipalities, sectors, themes],
        excluded_fields=["name_key", "search_text", "own_search_text", *TRANSLATED_NAME_KEYS, *SORT_KEYS],
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            # The public filters: every query starts from published rows.
            models.Index(fields=["is_published", "country"], name="initiative_pub_country"),
            models.Index(fields=["is_published", "kind"], name="initiative_pub_kind"),
            models.Index(fields=["is_published", "status"], name="initiative_pub_status"),
            models.Index(fields=["is_published", "name"], name="initiative_pub_name"),
            models.Index(fields=["is_published", "-created"], name="initiative_pub_newest"),
            # The list's orders over published rows, so its first page is read from an index
            # (SQLite cannot seek `WHERE is_published` in the composite indexes above).
            models.Index(fields=["name", "id"], condition=Q(is_published=True), name="initiative_published_name"),
            models.Index(fields=["name_key", "id"], condition=Q(is_published=True), name="initiative_published_key"),
            # The default order, by the name as each language shows it (InitiativeQuerySet.by_name).
            *[
                models.Index(
                    fields=[f"sort_key_{suffix(code)}", "id"],
                    condition=Q(is_published=True),
                    name=f"initiative_pub_key_{suffix(code)}",
                )
                for code in LANGUAGE_CODES
            ],
            # A country's list (the most used filter, and the country pages) in name order: its
            # page's ids read in order from here instead of sorting the country's wide rows.
            *[
                models.Index(
                    fields=["country", f"sort_key_{suffix(code)}", "id"],
                    condition=Q(is_published=True),
                    name=f"initiative_country_key_{suffix(code)}",
                )
                for code in LANGUAGE_CODES
            ],
            # A kind's list newest or oldest first: its page's ids read in order (SQLite sorted the
            # kind's 29,000 rows, 90 ms at 100,000; PostgreSQL walks initiative_pub_newest).
            models.Index(
                fields=["kind", "created", "id"], condition=Q(is_published=True), name="initiative_kind_created"
            ),
            # The whole catalogue's facet counts recounted (InitiativeQuerySet.recounted_facet_counts): its
            # one-value facets read from this narrow index instead of the wide rows, and the drafts,
            # whose links are subtracted from every link's, found without scanning.
            models.Index(
                fields=["country", "kind", "status", "program", "route", "is_published"],
                condition=Q(is_published=True),
                name="initiative_published_facets",
            ),
            models.Index(
                fields=["is_published"], include=["id"], condition=Q(is_published=False), name="initiative_drafts"
            ),
            # A search's matches, by id: which are published (search_ids) and their page's order
            # by name (the page's ids read first, see pagination.paginate), from this narrow index
            # instead of each match's wide row: on SQLite 13,000 matches took 40–70 ms each, the
            # index 22. Not partial: SQLite then chose it for every `WHERE is_published` and
            # sorted the whole list instead of reading its first page from initiative_pub_key_*.
            models.Index(fields=["id", "is_published", *SORT_KEYS], name="initiative_published_ids"),
            # Made for the one-value facets of a search's matches, which now read the facet rows
            # (initiatives.facet_rows); SQLite may still keep a search's matches to the published
            # from it (test_search_matches): measure before dropping it.
            models.Index(
                fields=["id", "country", "kind", "status", "program", "route", "is_published"],
                condition=Q(is_published=True),
                name="initiative_published_by_id",
            ),
        ]
        constraints = [
            # A point has both coordinates or none, each within the globe.
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="initiative_point_complete_and_in_range",
            ),
            # Years before the industrial era are typing mistakes.
            models.CheckConstraint(
                condition=Q(year_started__isnull=True) | Q(year_started__gte=EARLIEST_YEAR),
                name="initiative_year_started_plausible",
            ),
            # A polo is identified by its Rota and its folded name: re-imports never duplicate it.
            models.UniqueConstraint(
                fields=["route", "name_key"], condition=Q(route__isnull=False), name="unique_initiative_name_per_route"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.route_id and not self.program_id:
            self.program_id = self.route.program_id
        self.set_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("initiatives:detail", args=[self.slug])

    @staticmethod
    def detail_url_template() -> str:
        """The detail page's path in the active language, `{slug}` standing for the slug: maps and
        exports build thousands of addresses from it without a reverse() each."""
        return reverse("initiatives:detail", args=["slug-placeholder"]).replace("slug-placeholder", "{slug}")

    def clean(self):
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.latitude is not None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if self.year_started is not None and self.year_started < EARLIEST_YEAR:
            errors["year_started"] = _("The year must be %(year)s or later.") % {"year": EARLIEST_YEAR}
        if self.route_id and self.program_id and self.route.program_id != self.program_id:
            errors["route"] = _("This Rota belongs to another programme.")
        if self.route_id and self.name:
            clash = Initiative.objects.filter(route_id=self.route_id, name_key=fold(self.name)).exclude(pk=self.pk)
            if clash.exists():
                errors["name"] = _("This Rota already has an initiative with this name.")
        if errors:
            raise ValidationError(errors)

    def set_derived_fields(self, **relations) -> None:
        """Set the folded copies: `name_key` (matching and sorting) and `search_text` (everything a
        visitor may search for, see initiatives.search_index). The one place they are computed:
        save() and the bulk writer (search_index.reindex, used by the importers) call it. A writer
        holding the relations passes them (`municipalities` and `regions`: names; `sectors`:
        objects); otherwise they are read from the database (none before the first save)."""
        self.name_key = fold(self.name)
        for code in LANGUAGE_CODES:
            setattr(self, f"name_key_{suffix(code)}", fold(getattr(self, f"name_{suffix(code)}")))
            setattr(self, f"sort_key_{suffix(code)}", self.sort_key(code))
        if relations:
            texts = search_index.search_texts(self, **relations)
        else:
            texts = search_index.current_search_texts(self)
        self.search_text, self.own_search_text = texts

    def sort_key(self, language: str) -> str:
        """The name a page in `language` shows, folded (accents, case and punctuation aside): the
        translation's key where there is one and the text is not in that language, else name_key.
        Plain ASCII compared byte by byte, so SQLite and PostgreSQL sort alike."""
        own = self.language == language or (not self.language and language == settings.LANGUAGE_CODE)
        translated = getattr(self, f"name_key_{suffix(language)}")
        return self.name_key if own or not translated else translated

    def refresh_search_text(self) -> None:
        """Call after changing municipalities, regions or sectors (their names are searched)."""
        self.set_derived_fields()
        Initiative.objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in self.DERIVED_FIELDS})

    @property
    def display_name(self):
        return localized(self, "name")

    @property
    def display_description(self):
        return localized(self, "description")

    @property
    def factual_summary(self) -> str:
        """A sentence from the data, in the active language: for when there is no description."""
        return factual_summary(self)

    @property
    def families(self) -> list:
        """The families of its sectors (prefetch sectors__family), each once."""
        return families_of(self.sectors.all())

    @property
    def specialisation_lang(self) -> str:
        return self.specialisation_language or self.language

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CatalogueVersion(models.Model):
    """The one row saying which version of the catalogue every cached page, count and map is of.

    In the database rather than in a cache so that every process agrees on it with the default
    settings: the web workers, `manage.py shell`, an import run from the command line."""

    ROW_ID = 1

    value = models.CharField(_("version"), max_length=40)
    changed = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="catalogueversion_single_row")]

    def __str__(self):
        return self.value


class FacetCount(models.Model):
    """How many published initiatives carry one value of one facet, kept by database triggers
    (initiatives.facet_table): the whole catalogue's facets read from a few hundred rows."""

    facet = models.CharField(_("facet"), max_length=20)
    value = models.CharField(_("value"), max_length=64, blank=True)
    n = models.BigIntegerField(_("initiatives"), default=0)  # a sum of members, too

    class Meta:
        verbose_name = _("facet count")
        verbose_name_plural = _("facet counts")
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="facetcount_facet_value")]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.n}"


class FacetRow(models.Model):
    """A published initiative's facet values in one narrow row, kept by database triggers
    (initiatives.facet_rows): the facets under a search read each match once. The term ids are
    packed as text ("3,17"); no foreign keys, the triggers follow the terms."""

    # The initiative's id; an auto field only so that SQLite keeps it as the rowid (a lookup by
    # id reads no other index).
    id = models.BigAutoField(primary_key=True)
    one_valued = models.TextField()  # "BR|cluster|active|3|": country, kind, status, programme, Rota
    sectors = models.TextField(blank=True)
    families = models.TextField(blank=True)
    themes = models.TextField(blank=True)
    regions = models.TextField(blank=True)

    def __str__(self):
        return f"facets of initiative {self.id}"
