"""The library's filters: kind, theme, country, year, language and the catalogue's search."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from initiatives.filters import UpperMultipleChoiceField
from initiatives.models import Theme
from initiatives.translation import LANGUAGE_CHOICES

from .models import LibraryItem


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperMultipleChoiceField  # ?country=br is ?country=BR


class LibraryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=200)
    kind = django_filters.MultipleChoiceFilter(choices=LibraryItem.Kind.choices, label=_("Kind"))
    theme = django_filters.ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(), field_name="themes__slug", to_field_name="slug", label=_("Theme"), distinct=True
    )
    country = CountryFilter(choices=countries, method="filter_country", label=_("Country"))
    year = YearFilter(label=_("Year"), min_value=1900, max_value=2100)
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES, label=_("Language"))

    class Meta:
        model = LibraryItem
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        # Only published items, whatever queryset a caller narrows from.
        queryset = (LibraryItem.objects.all() if queryset is None else queryset).published()
        super().__init__(data, queryset=queryset, **kwargs)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_country(self, queryset, name, value):
        return queryset.in_countries(value)
