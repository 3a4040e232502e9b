"""The hub lists' filters: the library's kind, theme, country, year, language and search; the
events' kind and theme; the news' theme. Each list shows them as facets with counts (facets.py)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.filters import UpperMultipleChoiceField
from initiatives.models import Theme
from initiatives.text import fold
from initiatives.translation import LANGUAGE_CHOICES

from .countries import lac_country_choices
from .facets import FacetSpec, count_field, count_multiple_countries
from .models import Event, LibraryItem, News


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperMultipleChoiceField  # ?country=br is ?country=BR


def theme_filter():
    return django_filters.ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(), field_name="themes__slug", to_field_name="slug", label=_("Theme"), distinct=True
    )


def theme_labels():
    themes = [(theme.slug, theme.display_name) for theme in Theme.objects.all()]
    return sorted(themes, key=lambda pair: fold(pair[1]))


def choice_labels(choices):
    return lambda: [(str(value), str(label)) for value, label in choices]


class PublishedFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, **kwargs):
        # Only published items, whatever queryset a caller narrows from.
        model = self._meta.model
        queryset = (model.objects.all() if queryset is None else queryset).published()
        super().__init__(data, queryset=queryset, **kwargs)


class LibraryFilterSet(PublishedFilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=200)
    kind = django_filters.MultipleChoiceFilter(choices=LibraryItem.Kind.choices, label=_("Kind"))
    theme = theme_filter()
    country = CountryFilter(choices=lac_country_choices, method="filter_country", label=_("Country"))
    year = YearFilter(label=_("Year"), min_value=1900, max_value=2100)
    language = django_filters.MultipleChoiceFilter(choices=LANGUAGE_CHOICES, label=_("Language"))

    class Meta:
        model = LibraryItem
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.in_countries(value)

    def facet_specs(self) -> list[FacetSpec]:
        return [
            FacetSpec("kind", _("Kind"), count_field("kind"), choice_labels(LibraryItem.Kind.choices)),
            FacetSpec("theme", _("Theme"), count_field("themes__slug"), theme_labels),
            FacetSpec("country", _("Country"), count_multiple_countries("countries"), lac_country_choices),
            FacetSpec("language", _("Language"), count_field("language"), choice_labels(LANGUAGE_CHOICES)),
        ]


class EventFilterSet(PublishedFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices, label=_("Kind"))
    theme = theme_filter()

    class Meta:
        model = Event
        fields = []

    def facet_specs(self) -> list[FacetSpec]:
        return [
            FacetSpec("kind", _("Kind"), count_field("kind"), choice_labels(Event.Kind.choices)),
            FacetSpec("theme", _("Theme"), count_field("themes__slug"), theme_labels),
        ]


class NewsFilterSet(PublishedFilterSet):
    theme = theme_filter()

    class Meta:
        model = News
        fields = []

    def facet_specs(self) -> list[FacetSpec]:
        return [FacetSpec("theme", _("Theme"), count_field("themes__slug"), theme_labels)]
