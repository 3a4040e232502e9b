"""The one FilterSet behind the list page, the map, the API and the exports.

Query-string parameters: q, country, region, kind, family, sector, theme, program, route (repeatable),
status, bbox and ordering. The same parameters give the same initiatives everywhere.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Initiative, Program, Region, Route, Sector, SectorFamily, Theme
from .reference import lac_country_codes
from .text import fold

SEARCH_MAX_LENGTH = 200

ORDERINGS = {
    # public name -> the queryset in that order ("name": the folded name in the page's language)
    "name": lambda queryset: queryset.by_name(),
    "-name": lambda queryset: queryset.by_name(descending=True),
    "country": lambda queryset: queryset.by_name("country"),
    "-country": lambda queryset: queryset.by_name("-country"),
    "created": lambda queryset: queryset.order_by("created", "pk"),
    "-created": lambda queryset: queryset.order_by("-created", "-pk"),
}


class UpperMultipleChoiceField(forms.MultipleChoiceField):
    """Country codes in either case: ?country=br is ?country=BR."""

    def to_python(self, value):
        return [str(v).strip().upper() for v in super().to_python(value)]


def lac_country_choices() -> list[tuple[str, str]]:
    """The catalogue's 33 countries, named and sorted in the page's language. (All 250 of
    django-countries cost a translation each per request and offered countries it never holds.)"""
    return sorted(((code, countries.name(code)) for code in lac_country_codes()), key=lambda choice: fold(choice[1]))


class ColumnChoiceFilter(django_filters.MultipleChoiceFilter):
    """Values of one column of the initiative itself: no join, so no duplicate rows to remove.
    (django-filter adds DISTINCT over every selected column by default, which a large filtered
    list pays for on every request.)"""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class CountryFilter(ColumnChoiceFilter):
    # field_class is a class attribute in django-filter: passing it as a keyword breaks the form.
    field_class = UpperMultipleChoiceField


class TermChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Slugs and codes from a query string. A NUL byte is refused before it reaches the
    database: PostgreSQL rejects it with an error (a 500) instead of finding nothing."""

    def _check_values(self, value):
        for item in value:
            if "\x00" in str(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class TermFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TermChoiceField


class BBoxField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
        except ValueError:
            raise ValidationError(
                _("Give bbox as four numbers: min_lon,min_lat,max_lon,max_lat."), code="invalid"
            ) from None
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValidationError(
                _("bbox must satisfy -180 ≤ min_lon ≤ max_lon ≤ 180 and -90 ≤ min_lat ≤ max_lat ≤ 90."),
                code="out_of_range",
            )
        return (min_lon, min_lat, max_lon, max_lat)


class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        return qs.in_bbox(*value) if value else qs


def nothing_chosen(value) -> bool:
    """No term chosen. A model choice field cleans "nothing" to `queryset.none()`, whose truth
    value compiles a query: on every list, map, API and export request, for each term filter."""
    if isinstance(value, models.QuerySet):
        return value.query.is_empty()
    return not value


def through_filter(relation: str, term_field: str):
    """Initiatives linked to any of the chosen terms, without DISTINCT over the whole result."""

    def method(queryset, name, value):
        if nothing_chosen(value):
            return queryset
        through = getattr(Initiative, relation).through
        linked = through.objects.filter(**{f"{term_field}_id__in": [term.pk for term in value]})
        return queryset.filter(pk__in=linked.values("initiative_id"))

    return method


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=SEARCH_MAX_LENGTH)
    country = CountryFilter(choices=lac_country_choices, label=_("Country"))
    region = TermFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Region"),
        method=through_filter("regions", "region"),
    )
    kind = ColumnChoiceFilter(choices=Initiative.Kind.choices, label=_("Kind"))
    family = TermFilter(
        queryset=SectorFamily.objects.all(),
        to_field_name="slug",
        label=_("Sector family"),
        method="filter_family",
    )
    sector = TermFilter(
        queryset=Sector.objects.all(),
        to_field_name="slug",
        label=_("Sector"),
        method=through_filter("sectors", "sector"),
    )
    theme = TermFilter(
        queryset=Theme.objects.all(), to_field_name="slug", label=_("Theme"), method=through_filter("themes", "theme")
    )
    program = TermFilter(
        queryset=Program.objects.all(), to_field_name="slug", label=_("Programme"), method="filter_foreign_key"
    )
    route = TermFilter(queryset=Route.objects.all(), to_field_name="slug", label=_("Rota"), method="filter_foreign_key")
    status = django_filters.ChoiceFilter(choices=Initiative.Status.choices, label=_("Status"))
    bbox = BBoxFilter(label=_("Bounding box (min_lon,min_lat,max_lon,max_lat)"))
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("name", _("Name")),
            ("-name", _("Name, Z to A")),
            ("country", _("Country")),
            ("-country", _("Country, Z to A")),
            ("created", _("Oldest first")),
            ("-created", _("Newest first")),
        ],
        method="order",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Initiative
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        # Only published initiatives, ever, whatever queryset a caller narrows from.
        queryset = (Initiative.objects.all() if queryset is None else queryset).published()
        super().__init__(data, queryset=queryset, **kwargs)
        self._search_matches = {}

    def filter_foreign_key(self, queryset, name, value):
        # The default predicate would compare the foreign key with the slug (to_field_name).
        return queryset if nothing_chosen(value) else queryset.filter(**{f"{name}__in": value})

    def filter_family(self, queryset, name, value):
        """Initiatives with any sector of the chosen families."""
        if nothing_chosen(value):
            return queryset
        linked = Initiative.sectors.through.objects.filter(sector__family__in=[f.pk for f in value])
        return queryset.filter(pk__in=linked.values("initiative_id"))

    def filter_search(self, queryset, name, value):
        return queryset.search(value, matches=self.search_matches(value))

    def search_matches(self, value):
        """The search's matches among the published initiatives, read once for the page, its count
        and every facet (InitiativeQuerySet.search_matches): at 100,000 initiatives each match of
        the text costs more than all the rest of a facet's count."""
        return self._matches(value)[0]

    def search_facet_rows(self, value) -> list[tuple] | None:
        """The facet rows of search_matches(value) when read with them (InitiativeQuerySet.search_matches)."""
        return self._matches(value)[1]

    def _matches(self, value) -> tuple[list[int] | None, list[tuple] | None]:
        if value not in self._search_matches:
            self._search_matches[value] = self.queryset.search_matches(value)
        return self._search_matches[value]

    def order(self, queryset, name, value):
        return ORDERINGS.get(value, ORDERINGS["name"])(queryset)

    def filter_queryset(self, queryset):
        # No ordering chosen is "name", the same order as choosing it, unless a search has
        # ordered the initiatives by relevance.
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("ordering") or queryset.query.order_by:
            return queryset
        return ORDERINGS["name"](queryset)
