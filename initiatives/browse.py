"""From a visitor's query string to a selection of initiatives and its facets.

Plain functions over QueryDicts and the one InitiativeFilterSet (no request, no templates), so the
list page, the country/Rota/theme pages and anything else that lists initiatives agree.
Bad values are dropped one by one and explained: ?country=BR&country=ZZ keeps BR.
"""

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django_countries import countries

from .cache import versioned_key
from .filters import InitiativeFilterSet
from .models import Initiative, Program, Region, Route, Sector, SectorFamily, Theme
from .pagination import CachedCountPaginator
from .querysets import FACET_FIELDS
from .text import fold

PAGE_SIZE = 24
FACETS = ["country", "region", "kind", "family", "sector", "theme", "program", "route", "status"]
VOCABULARIES = {"family": SectorFamily, "sector": Sector, "theme": Theme, "program": Program, "route": Route}
# Parameters that choose what is shown rather than which initiatives: not part of facet counts.
PRESENTATION = {"ordering", "page"}
CACHE_SECONDS = 60 * 60
# Without a chosen country, the region facet shows only the regions with most initiatives:
# hundreds of checkboxes help nobody and make every list page heavy.
TOP_REGIONS = 12


@dataclass
class Selection:
    """The cleaned parameters (preset included), why some were dropped, and the filterset."""

    params: QueryDict
    notices: list[str]
    filterset: InitiativeFilterSet
    preset: dict[str, str] = field(default_factory=dict)

    @property
    def queryset(self):
        return self.filterset.qs

    def query(self, include_preset=True, **changes) -> str:
        """The selection as a query string (no '?'), e.g. for the map or an export link."""
        params = self.params.copy()
        params.pop("page", None)
        if not include_preset:
            for key in self.preset:
                params.pop(key, None)
        for key, value in changes.items():
            params.setlist(key, [value])
        return params.urlencode()

    @property
    def page_query(self) -> str:
        """The parameters that the page's own URL does not already say (for pagination and sort)."""
        return self.query(include_preset=False)

    @property
    def full_query(self) -> str:
        return self.query()

    def cache_key(self, without: str | None = None) -> str:
        """Same initiatives, same key: parameter order, repeats, case and accents in q ignored.
        `without` leaves one parameter out: a facet's counts depend on every filter but its own."""
        parts = []
        for key in sorted(set(self.params) - PRESENTATION - {without}):
            values = sorted({fold(v) if key == "q" else v for v in self.params.getlist(key) if v.strip()})
            if values:
                parts.append(f"{key}={','.join(values)}")
        # A preset page computes no facet for its preset: its counts differ from the plain list's.
        parts.append("preset=" + ",".join(sorted(self.preset)))
        return hashlib.sha256("&".join(parts).encode()).hexdigest()[:32]

    def active_filters(self):
        """(parameter label, value label, query string without that value) for each chosen value."""
        labels = vocabulary_labels()
        region_names = facet_counts(self)["_region_names"] if "region" in self.params else None
        chips = []
        for name in ["q", *FACETS, "bbox"]:
            if name in self.preset:
                continue
            for value in self.params.getlist(name):
                if not value.strip():
                    continue
                remaining = self.params.copy()
                remaining.pop("page", None)
                for key in self.preset:
                    remaining.pop(key, None)
                remaining.setlist(name, [v for v in self.params.getlist(name) if v != value])
                label = value_label(name, value, labels, region_names)
                chips.append((self.filterset.filters[name].label, label, remaining.urlencode()))
        return chips


def select(data: QueryDict, preset: dict[str, str] | None = None) -> Selection:
    """Clean a query string against the FilterSet; a preset (a country page's country…) wins."""
    preset = preset or {}
    data = data.copy()
    for key, value in preset.items():
        data.setlist(key, [value])
    # Only the FilterSet's parameters, in its order, without blanks: unknown ones (utm_source…) are ignored.
    params = QueryDict(mutable=True)
    for key in InitiativeFilterSet.base_filters:
        values = [v for v in data.getlist(key) if v.strip()]
        if values:
            params.setlist(key, values)
    filterset = InitiativeFilterSet(params)
    notices = []
    if not filterset.is_valid():
        params, notices = _drop_invalid(filterset, params)
        filterset = InitiativeFilterSet(params)
    return Selection(params=params, notices=notices, filterset=filterset, preset=preset)


def _drop_invalid(filterset, params: QueryDict) -> tuple[QueryDict, list[str]]:
    """Keep the valid values of each invalid parameter, using the filter's own form field."""
    params = params.copy()
    notices = []
    for name, errors in filterset.form.errors.items():
        form_field = filterset.form.fields[name]
        label = filterset.filters[name].label
        values = [v for v in params.getlist(name) if v.strip()]
        if isinstance(form_field, forms.ModelMultipleChoiceField):
            key = form_field.to_field_name
            storable = [v for v in values if "\x00" not in v]  # PostgreSQL refuses NUL in a query
            known = set(form_field.queryset.filter(**{f"{key}__in": storable}).values_list(key, flat=True))
            kept = [v for v in values if v in known]
        elif isinstance(form_field, forms.MultipleChoiceField):
            kept = [v for v in values if form_field.valid_value(form_field.to_python([v])[0])]
        else:
            kept = []
        for value in values:
            if value in kept:
                continue
            if isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                notices.append(
                    _("%(label)s: “%(value)s” is not known, so it was ignored.")
                    % {"label": label, "value": Truncator(value).chars(60)}
                )
            else:
                notices.append(
                    _("%(label)s: “%(value)s” was ignored (%(error)s)")
                    % {"label": label, "value": Truncator(value).chars(60), "error": " ".join(errors)}
                )
        params.setlist(name, kept)
    return params, notices


def paginate(queryset, page_param: str | None):
    """The requested page, or the nearest one with a notice: page=abc and page=999 never fail."""
    paginator = CachedCountPaginator(queryset, PAGE_SIZE)
    if page_param in (None, ""):
        return paginator.page(1), None
    try:
        number = int(page_param)
    except ValueError:
        return paginator.page(1), _("“%(page)s” is not a page number; showing the first page.") % {"page": page_param}
    if number < 1:
        return paginator.page(1), _("There is no page %(page)s; showing the first page.") % {"page": number}
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), _("There is no page %(page)s; showing page %(last)s.") % {
            "page": number,
            "last": last,
        }
    return paginator.page(number), None


# -- facets ------------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    lang: str = ""  # set when the label is in another language than the page's
    children: list["FacetOption"] = field(default_factory=list)  # a family's sectors

    @property
    def has_selected_child(self) -> bool:
        return any(child.selected for child in self.children)


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    hint: str = ""

    @property
    def selected_count(self) -> int:
        return sum(1 for o in self.options if o.selected) + sum(
            1 for o in self.options for c in o.children if c.selected
        )


def queryset_without(filterset, name: str):
    """The filterset's initiatives with every active filter applied except `name` (and ordering)."""
    queryset = filterset.queryset.all()
    for filter_name, value in filterset.form.cleaned_data.items():
        if filter_name not in (name, "ordering"):
            queryset = filterset.filters[filter_name].filter(queryset, value)
    return queryset


def facet_counts(selection: Selection) -> dict[str, dict[str, int]]:
    """For each facet, how many initiatives each value gives with the other active filters.

    One grouped COUNT per facet, each cached under the catalogue version and the filters *other*
    than its own: ?country=BR and ?country=MX share their country counts (those of every
    initiative), so the costly counts over the whole catalogue are made once per change, not once
    per selection. The names of the regions counted (or chosen) come along under "_region_names"."""
    names = [name for name in FACETS if name not in selection.preset]
    keys = {name: versioned_key("facet", name, selection.cache_key(without=name)) for name in names}
    keys["_region_names"] = versioned_key("region-names", selection.cache_key())
    found = cache.get_many(keys.values())
    counts = {name: found[key] for name, key in keys.items() if key in found}
    missing = {}
    # The one-value facets not filtered on all count the whole selection: one query for them all.
    together = [name for name in names if name not in counts and name in FACET_FIELDS and name not in selection.params]
    if len(together) > 1:
        for name, values in selection.queryset.single_valued_facet_counts(together).items():
            counts[name] = missing[keys[name]] = values
    for name in names:
        if name not in counts:
            counts[name] = missing[keys[name]] = queryset_without(selection.filterset, name).facet_counts(name)
    if "_region_names" not in counts:
        codes = set(counts.get("region", {})) | set(selection.params.getlist("region"))
        names_by_code = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        counts["_region_names"] = missing[keys["_region_names"]] = names_by_code
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return counts


def vocabulary_labels() -> dict[str, dict[str, object]]:
    """Every sector, theme, programme and Rota by slug, cached (labels are localised at render)."""
    key = versioned_key("vocabularies")
    labels = cache.get(key)
    if labels is None:
        labels = {
            name: {term.slug: term for term in model.objects.all()}
            for name, model in VOCABULARIES.items()
            if model not in (Sector, SectorFamily)
        }
        labels["sector"] = {term.slug: term for term in Sector.objects.select_related("family")}
        # A family without sectors has no initiative to show: its sectors name every family needed.
        labels["family"] = {term.family.slug: term.family for term in labels["sector"].values() if term.family_id}
        cache.set(key, labels, CACHE_SECONDS)
    return labels


def value_label(name: str, value: str, labels: dict, region_names: dict | None = None) -> str:
    if name == "country":
        return countries.name(value) or value
    if name == "kind":
        return _label_of(Initiative.Kind, value)
    if name == "status":
        return _label_of(Initiative.Status, value)
    if name in labels:
        term = labels[name].get(value)
        return term.display_name if term else value
    if name == "region" and region_names:
        return region_names.get(value, value)
    return value


def _label_of(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def build_facets(selection: Selection) -> list[Facet]:
    counts = facet_counts(selection)
    labels = vocabulary_labels()
    region_names = counts["_region_names"]
    facets = []
    for name in FACETS:
        if name in selection.preset:
            continue
        chosen = set(selection.params.getlist(name))
        values = set(counts[name]) | {v for v in chosen if v.strip()}
        options = [
            FacetOption(
                value=value,
                label=value_label(name, value, labels, region_names),
                count=counts[name].get(value, 0),
                selected=value in chosen,
            )
            for value in values
        ]
        if name in ("kind", "status"):
            order = [c.value for c in (Initiative.Kind if name == "kind" else Initiative.Status)]
            options.sort(key=lambda o: order.index(o.value) if o.value in order else len(order))
        else:
            options.sort(key=lambda o: fold(o.label))
        hint = ""
        if name == "region" and "country" not in selection.params and len(options) > TOP_REGIONS:
            top = sorted(options, key=lambda o: (-o.count, fold(o.label)))[:TOP_REGIONS]
            options = [o for o in options if o.selected or o in top]
            hint = _("The regions with most initiatives; choose a country to see all of its regions.")
        if options:
            label = str(selection.filterset.filters[name].label)
            facets.append(Facet(name=name, label=label, options=options, hint=hint))
    return nest_sectors(facets, labels)


def nest_sectors(facets: list[Facet], labels: dict) -> list[Facet]:
    """One facet of families, each holding its sectors (the page opens them without JavaScript);
    sectors of no family, if any, under a last group of their own."""
    by_name = {facet.name: facet for facet in facets}
    sectors = by_name.pop("sector", None)
    if sectors is None:
        return facets
    families = by_name.get("family")
    if families is None:
        families = Facet(name="family", label=sectors.label, options=[])
        facets.insert(facets.index(sectors), families)
    families.label = sectors.label  # visitors choose sectors; families group them
    by_family = {option.value: option for option in families.options}
    orphans = FacetOption(value="", label=_("Other sectors"), count=0, selected=False)
    for option in sectors.options:
        term = labels["sector"].get(option.value)
        family = term.family if term is not None and term.family_id else None
        if family is None:
            orphans.children.append(option)
            continue
        if family.slug not in by_family:
            # Its family counts nothing under the other filters (?sector=coffee&family=…): shown at 0.
            by_family[family.slug] = FacetOption(value=family.slug, label=family.display_name, count=0, selected=False)
            families.options.append(by_family[family.slug])
        by_family[family.slug].children.append(option)
    families.options.sort(key=lambda o: fold(o.label))
    if orphans.children:
        families.options.append(orphans)
    return [facet for facet in facets if facet is not sectors]


# -- home --------------------------------------------------------------------------------------


def home_figures() -> dict:
    """Headline figures and the browse-by lists' counts, cached until the catalogue changes."""
    key = versioned_key("home")
    figures = cache.get(key)
    if figures is None:
        published = Initiative.objects.published()
        figures = {
            "figures": published.headline_figures(),
            "countries": published.facet_counts("country"),
            "sectors": published.facet_counts("sector"),
            "themes": published.facet_counts("theme"),
            # Themes also live through the hub's content: offered when anything on them is published.
            "themes_in_use": sorted(Theme.objects.with_published().values_list("slug", flat=True)),
        }
        cache.set(key, figures, CACHE_SECONDS)
    return figures
