"""The one FilterSet behind the list page, the map, the API and the exports.

Query-string parameters: q, country, region, kind, sector, theme, program, route (repeatable),
status, bbox and ordering. The same parameters give the same initiatives everywhere.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Initiative, Program, Region, Route, Sector, Theme

ORDERINGS = {
    # public name -> database ordering
    "name": ("name_key", "pk"),
    "-name": ("-name_key", "-pk"),
    "country": ("country", "name_key", "pk"),
    "-country": ("-country", "name_key", "pk"),
    "created": ("created", "pk"),
    "-created": ("-created", "-pk"),
}


class UpperMultipleChoiceField(forms.MultipleChoiceField):
    """Country codes in either case: ?country=br is ?country=BR."""

    def to_python(self, value):
        return [str(v).strip().upper() for v in super().to_python(value)]


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = UpperMultipleChoiceField


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


def through_filter(relation: str, term_field: str):
    """Initiatives linked to any of the chosen terms, without DISTINCT over the whole result."""

    def method(queryset, name, value):
        if not value:
            return queryset
        through = getattr(Initiative, relation).through
        linked = through.objects.filter(**{f"{term_field}_id__in": [term.pk for term in value]})
        return queryset.filter(pk__in=linked.values("initiative_id"))

    return method


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"), max_length=200)
    country = CountryFilter(choices=countries, label=_("Country"))
    region = django_filters.ModelMultipleChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Region"),
        method=through_filter("regions", "region"),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Initiative.Kind.choices, label=_("Kind"))
    sector = django_filters.ModelMultipleChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="slug",
        label=_("Sector"),
        method=through_filter("sectors", "sector"),
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        queryset=Theme.objects.all(), to_field_name="slug", label=_("Theme"), method=through_filter("themes", "theme")
    )
    # field_name names the slug: django-filter filters on `field_name=<to_field_name value>`.
    program = django_filters.ModelMultipleChoiceFilter(
        queryset=Program.objects.all(),
        to_field_name="slug",
        field_name="program__slug",
        distinct=False,
        label=_("Programme"),
    )
    route = django_filters.ModelMultipleChoiceFilter(
        queryset=Route.objects.all(), to_field_name="slug", field_name="route__slug", distinct=False, label=_("Rota")
    )
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

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["name"]))
