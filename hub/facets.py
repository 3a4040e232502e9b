"""Facets for the hub's lists (library, events, news): the catalogue list's sidebar of checkboxes
with counts, fed from a django-filter FilterSet. Only the terms some item has are offered, each
with how many items it gives with the other filters active; a chosen term stays even at zero."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    children: list["FacetOption"] = field(default_factory=list)  # the shared partial's nesting
    has_selected_child: bool = False


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    hint: str = ""

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)


@dataclass
class FacetSpec:
    """One facet: the filter's `name`, its `label`, `count(queryset) -> {value: n}` and the
    `labels` of every value in the order they are shown."""

    name: str
    label: str
    count: Callable[[object], dict[str, int]]
    labels: Callable[[], Iterable[tuple[str, str]]]


def count_field(path: str):
    """Counts items per value of a one-valued field or a relation (`themes__slug`)."""

    def count(queryset) -> dict[str, int]:
        rows = queryset.order_by().values(path).annotate(n=Count("pk", distinct=True))
        return {str(row[path]): row["n"] for row in rows if row[path] not in (None, "")}

    return count


def count_multiple_countries(path: str):
    """Counts items per country of a multiple CountryField (stored as "AR,CL")."""

    def count(queryset) -> dict[str, int]:
        counts = Counter()
        for stored in queryset.order_by().values_list(path, flat=True):
            codes = stored.split(",") if isinstance(stored, str) else stored or []  # values_list gives the raw text
            counts.update({str(code).strip() for code in codes if str(code).strip()})
        return dict(counts)

    return count


def queryset_without(filterset, name: str):
    """The filterset's items with every valid filter applied except `name`."""
    queryset = filterset.queryset.all()
    for filter_name, value in filterset.form.cleaned_data.items():
        if filter_name != name:
            queryset = filterset.filters[filter_name].filter(queryset, value)
    return queryset


def _selected(filterset, name: str) -> set[str]:
    # Case-blind, as the filters are (?country=ar is ?country=AR).
    return {value.upper() for value in filterset.data.getlist(name)} if hasattr(filterset.data, "getlist") else set()


def build_facets(filterset, specs: list[FacetSpec]) -> list[Facet]:
    filterset.is_valid()  # fills cleaned_data with the valid filters
    facets = []
    for spec in specs:
        counts = spec.count(queryset_without(filterset, spec.name))
        chosen = _selected(filterset, spec.name)
        options = [
            FacetOption(value=value, label=label, count=counts.get(value, 0), selected=value.upper() in chosen)
            for value, label in spec.labels()
            if counts.get(value) or value.upper() in chosen
        ]
        if options:
            facets.append(Facet(name=spec.name, label=spec.label, options=options))
    return facets


def active_filters(query, facets: list[Facet]) -> list[tuple[str, str, str]]:
    """(facet label, term label, query string without that term) for each chosen term: the chips."""
    chips = []
    for facet in facets:
        for option in facet.options:
            if option.selected:
                remaining = [
                    (key, value)
                    for key, values in query.lists()
                    for value in values
                    if key != "page" and value != "" and (key, value.upper()) != (facet.name, option.value.upper())
                ]
                chips.append((facet.label, option.label, urlencode(remaining)))
    return chips
