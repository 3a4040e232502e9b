"""A selection's facets: for each filter, its values with how many initiatives each gives, and the
chips of the values chosen. Counts are cached per catalogue version and per selection."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

from . import search_facets
from .cache import versioned_key
from .facet_counting import FACET_FIELDS
from .facet_table import SCOPES
from .filters import nothing_chosen
from .labels import named_value, value_label, vocabulary_labels
from .models import Initiative, Region
from .selection import PRESENTATION, Selection
from .text import fold

FACETS = ["country", "region", "kind", "family", "sector", "theme", "program", "route", "status"]
CACHE_SECONDS = 60 * 60
# Without a chosen country, the region facet shows only the regions with most initiatives:
# hundreds of checkboxes help nobody and make every list page heavy.
TOP_REGIONS = 12
# At most how many facet rows a list filtered by facet links alone reads to count its facets
# in Python (linked_facet_counts); beyond, one query per facet costs less.
LINKED_ROWS = 30_000


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


def search_matches(selection: Selection) -> list[int] | None:
    """The ids of the search's matches as the FilterSet read them once, whatever else is chosen;
    None without a search or when it matched too many to read (InitiativeQuerySet.search_ids)."""
    if "q" not in selection.params or not selection.filterset.is_valid():
        return None
    query = selection.filterset.form.cleaned_data.get("q")
    return selection.filterset.search_matches(query) if query else None


def chosen_values(selection: Selection) -> dict[str, set] | None:
    """The values chosen for each facet besides the search, as stored (a term's id); None when
    another filter (a box) narrows the initiatives too."""
    cleaned = selection.filterset.form.cleaned_data
    chosen = {}
    for name in set(selection.params) - PRESENTATION - {"q"}:
        if name not in FACETS:
            return None
        value = cleaned.get(name)
        if nothing_chosen(value):
            continue  # a filter left without a valid value narrows nothing
        if name in FACET_FIELDS and name not in ("program", "route"):
            chosen[name] = {value} if isinstance(value, str) else set(value)
        else:
            chosen[name] = {term.pk for term in value}
    return chosen


@dataclass
class FacetCounts:
    """What counting a selection's facets found: for each facet, {value: how many initiatives}, and
    the ids of the initiatives selected when the counting read them (with their facet rows:
    linked_facet_counts), so that the page and its total need not select them again; else None."""

    counts: dict[str, dict[str, int]]
    selected_ids: list[int] | None = None


def facet_counts(selection: Selection) -> dict[str, dict[str, int]]:
    """count_facets(selection)'s counts alone."""
    return count_facets(selection).counts


def count_facets(selection: Selection) -> FacetCounts:
    """For each facet, how many initiatives each value gives with the other active filters.

    Each facet's counts are cached under the catalogue version and the filters *other* than its
    own: ?country=BR and ?country=MX share their country counts (those of every initiative), so
    the counts over the whole catalogue are made once per change, not once per selection. After a
    change, the facets with no other filter are read from the counts the database keeps for the
    whole catalogue, and under countries (or kinds) alone every other facet from those kept per
    value. Under a search (with any filters but a box), every facet from one read of its matches'
    facet rows (initiatives.search_facets). Otherwise the one-value facets not filtered on,
    together in one query over the selection; the rest one grouped query each."""
    names = [name for name in FACETS if name not in selection.preset]
    keys = {name: versioned_key("facet", name, selection.cache_key(without=name)) for name in names}
    found = cache.get_many(keys.values())
    counts = {name: found[key] for name, key in keys.items() if key in found}
    missing = {}
    selected_ids = None

    def computed(values_by_name):
        for name, values in values_by_name.items():
            counts[name] = missing[keys[name]] = values

    whole_catalogue = [name for name in names if name not in counts and not selection.filters_besides(name)]
    if whole_catalogue:
        computed(Initiative.objects.catalogue_facet_counts(whole_catalogue))
    # Countries alone chosen, or kinds alone: every other facet from the counts kept per value.
    within = selection.scope_alone()
    if within is not None:
        computed(Initiative.objects.catalogue_facet_counts([name for name in names if name not in counts], within))
    # Under a search (any filters but a box): every facet from one read of its matches' facet rows.
    matched = search_matches(selection)
    chosen = chosen_values(selection) if matched is not None else None
    searched = [name for name in names if name not in counts]
    if chosen is not None and searched:
        found = selection.filterset.search_facet_rows(selection.filterset.form.cleaned_data["q"])
        computed(selection.filterset.queryset.facet_counts_among(searched, matched, chosen, found))
    # Facet links alone (no search, no box): the facets left from one read of facet rows.
    if "q" not in selection.params:
        linked, selected_ids = linked_facet_counts(selection, [name for name in names if name not in counts])
        computed(linked)
    together = [name for name in names if name not in counts and name in FACET_FIELDS and name not in selection.params]
    if len(together) > 1:
        computed(selection.queryset.single_valued_facet_counts(together))
    for name in names:
        if name not in counts:
            computed({name: queryset_without(selection.filterset, name).facet_counts(name)})
    if missing:
        cache.set_many(missing, CACHE_SECONDS)
    return FacetCounts(counts, selected_ids)


def linked_facet_counts(selection: Selection, names: list[str]) -> tuple[dict[str, dict[str, int]], list[int] | None]:
    """The counts of the facets `names` of a list filtered by facet links alone (?sector=coffee,
    ?country=AR&theme=…), as under a search: counted here from one read of the facet rows
    (initiatives.search_facets) of the initiatives passing every choice but at most one, read
    from the link tables' and the initiatives' indexes, when they are few enough (LINKED_ROWS at most, by the kept
    counts of each choice). A chosen facet under no other choice, or under countries (kinds)
    alone, from the counts the database keeps. What is left out is counted by the caller in SQL.
    Returns the counts and the ids of the initiatives selected when they were read (else None)."""
    if not names or not selection.filterset.is_valid():
        return {}, None
    chosen = chosen_values(selection)
    if not chosen:
        return {}, None  # a box, or nothing chosen
    queryset = selection.filterset.queryset
    counts = {}
    for name in names:
        others = set(chosen) - {name}
        if name in chosen and not others:
            counts |= queryset.catalogue_facet_counts([name])
        elif name in chosen and len(others) == 1 and (scope := others.pop()) in SCOPES:
            counts |= queryset.catalogue_facet_counts([name], sorted(chosen[scope]))
    left = [name for name in names if name not in counts]
    # Each chosen facet is counted among the initiatives passing every other choice, the others
    # among those passing every choice (fewer still: among the former, when there are any).
    withouts = {name for name in left if name in chosen} or ({None} if left else set())
    at_most = queryset.catalogue_chosen_counts(chosen)
    needed = sum(
        min((n for facet, n in at_most.items() if facet != without), default=LINKED_ROWS + 1) for without in withouts
    )
    if not left or needed > LINKED_ROWS:
        return counts, None
    rows = queryset.facet_rows_of(
        [{facet: values for facet, values in chosen.items() if facet != without} for without in withouts]
    )
    if rows is None:
        return counts, None
    ids = [row[0] for row in rows]
    selected = ids if withouts == {None} else search_facets.passing_every(rows, chosen)
    return counts | queryset.facet_counts_among(left, ids, chosen, rows), selected


def build_facets(selection: Selection, counts: dict[str, dict[str, int]] | None = None) -> list[Facet]:
    """The facets of `selection`, with their `counts` when the caller counted them (count_facets)."""
    if counts is None:
        counts = facet_counts(selection)
    labels = vocabulary_labels()
    facets = []
    for name in FACETS:
        if name in selection.preset:
            continue
        chosen = set(selection.params.getlist(name))
        values = set(counts[name]) | {v for v in chosen if v.strip()}
        top_regions = name == "region" and "country" not in selection.params and len(values) > TOP_REGIONS
        if top_regions:
            # Only the busiest (ties included) and the chosen are shown: labelling and sorting
            # hundreds of regions to drop them cost more than counting them.
            least = sorted((counts[name].get(v, 0) for v in values), reverse=True)[TOP_REGIONS - 1]
            values = {v for v in values if counts[name].get(v, 0) >= least or v in chosen}
        # Only the regions shown are named: all of them (about 560) cost two IN lists of that size.
        region_names = region_names_of(values) if name == "region" else None
        named = {value: named_value(name, value, labels, region_names) for value in values}
        options = [
            FacetOption(value=value, label=named[value][0], count=counts[name].get(value, 0), selected=value in chosen)
            for value in values
        ]
        if name in ("kind", "status"):
            order = [c.value for c in (Initiative.Kind if name == "kind" else Initiative.Status)]
            options.sort(key=lambda o: order.index(o.value) if o.value in order else len(order))
        else:
            # Then by value: two regions of one name (Amazonas, BR-AM and CO-AMA) kept the order
            # of a set, which follows the order their counts came in (SQL or facet rows).
            options.sort(key=lambda o: (named[o.value][1], o.value))
        hint = ""
        if top_regions:
            top = sorted(options, key=lambda o: (-o.count, named[o.value][1], o.value))[:TOP_REGIONS]
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


def region_names_of(codes) -> dict[str, str]:
    codes = [code for code in codes if code.strip()]
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def active_filters(selection: Selection):
    """(parameter label, value label, query string without that value) for each chosen value."""
    labels = vocabulary_labels()
    region_names = region_names_of(selection.params.getlist("region")) if "region" in selection.params else None
    chips = []
    for name in ["q", *FACETS, "bbox"]:
        if name in selection.preset:
            continue
        for value in selection.params.getlist(name):
            if not value.strip():
                continue
            remaining = selection.params.copy()
            remaining.pop("page", None)
            for key in selection.preset:
                remaining.pop(key, None)
            remaining.setlist(name, [v for v in selection.params.getlist(name) if v != value])
            label = value_label(name, value, labels, region_names)
            chips.append((selection.filterset.filters[name].label, label, remaining.urlencode()))
    return chips
