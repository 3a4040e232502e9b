"""From a query string to a selection of initiatives: the one layer in front of the FilterSet.

The list page and the country, Rota and theme pages, the map page, the GeoJSON, the API and its
exports all pass through here, so the same parameters give the same initiatives everywhere:

1. `normalise()`: only the FilterSet's parameters, empty values dropped (`country=` is no filter),
   a page's preset applied. No database.
2. `Selection.cache_key()`: that query with order, repeats, case and accents in the search
   ignored, so equivalent queries share one cache entry.
3. `Selection.clean()`: validated by the FilterSet, with one rule for bad values: pages drop each
   one and explain it (?country=BR&country=ZZ keeps BR); machine endpoints (`strict=True`) raise
   `InvalidSelection`, which they answer with a 400 naming each parameter.
"""

import hashlib
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .facet_table import SCOPES
from .filters import SEARCH_MAX_LENGTH, InitiativeFilterSet
from .models import Initiative
from .text import fold
from .translation import LANGUAGE_CODES, active_language

FILTER_PARAMETERS = tuple(InitiativeFilterSet.base_filters)
# Parameters that choose how the initiatives are shown rather than which: not part of facet counts.
PRESENTATION = frozenset({"ordering", "page"})


class InvalidSelection(Exception):
    """Parameters that do not validate; `errors` maps each one to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def present_values(params, key: str) -> list[str]:
    """The parameter's values, blank ones left out: an empty parameter is an absent one."""
    return [value for value in params.getlist(key) if value.strip()]


def cache_query(params, known) -> str:
    """A query string as a cache key: only the `known` parameters, blanks dropped, each one's values
    deduplicated and sorted, the search folded ('Café!' is 'cafe'; punctuation alone is no search).
    Junk parameters (?utm_source=…) and equivalent searches then share one cache entry instead of
    filling the cache. A search the form would refuse (too long, a NUL) keeps its raw text, so it
    never shares the key of a valid one and still gets its 400 or its notice."""
    pairs = set()
    for key in params:
        if key not in known:
            continue
        for value in params.getlist(key):
            value = value.strip()
            if key == "q" and len(value) <= SEARCH_MAX_LENGTH and "\x00" not in value:
                value = fold(value)
            if value:
                pairs.add((key, value))
    return urlencode(sorted(pairs))


def requested_language(params) -> str:
    """`?lang=` when given (machine endpoints are not language-prefixed), else the request's language."""
    lang = params.get("lang", "").strip().lower()
    if not lang:
        return active_language()
    if lang not in LANGUAGE_CODES:
        raise InvalidSelection({"lang": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}]})
    return lang


@dataclass
class Selection:
    """The parameters (preset included) and, once cleaned, the filterset and why values were dropped."""

    params: QueryDict
    preset: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    filterset: InitiativeFilterSet | None = None

    def clean(self, strict: bool = False, queryset=None) -> "Selection":
        """Validated against the FilterSet, narrowing `queryset` (published initiatives by default)."""
        filterset = InitiativeFilterSet(self.params, queryset=queryset)
        if filterset.is_valid():
            return replace(self, filterset=filterset, notices=[])
        if strict:
            raise InvalidSelection({name: list(messages) for name, messages in filterset.errors.items()})
        params, notices = _drop_invalid(filterset, self.params)
        return replace(self, params=params, notices=notices, filterset=InitiativeFilterSet(params, queryset=queryset))

    @property
    def queryset(self):
        return self.filterset.qs

    def filters_besides(self, *names: str) -> bool:
        """Whether anything but `names` narrows the initiatives (a preset does; the order does not)."""
        return bool(set(self.params) - PRESENTATION - set(names))

    def scope_alone(self) -> list[str] | None:
        """The values chosen when countries alone (a country page, ?country=BR), or kinds alone,
        are the filter: the database keeps their counts (facet_table.SCOPES); None otherwise."""
        for scope in SCOPES:
            if scope in self.params and not self.filters_besides(scope) and self.filterset.is_valid():
                return sorted(set(self.filterset.form.cleaned_data.get(scope) or [])) or None
        return None

    def known_count(self, total: int | None = None, selected_ids: list[int] | None = None) -> int | None:
        """How many published initiatives are selected, when that is known without counting them:
        all of them (the database keeps their number; `total` when the caller read it) or those of
        the countries or kinds chosen alone (the database keeps their number too), or a search
        alone (the FilterSet read its matches), or `selected_ids` when the caller read them (with
        their facet rows: facets.count_facets). None otherwise."""
        if not self.filters_besides():
            return Initiative.objects.catalogue_total() if total is None else total
        within = self.scope_alone()
        if within is not None:
            return Initiative.objects.catalogue_total(within)
        if selected_ids is not None:
            return len(selected_ids)
        matches = self.search_matches()
        return None if matches is None else len(matches)

    def search_matches(self) -> list[int] | None:
        """The ids of the initiatives selected when a search is the only filter, as the FilterSet
        read them once (InitiativeFilterSet.search_matches): their number is the count, their
        links the facets'. None otherwise, or when the search matched too many to read."""
        if "q" not in self.params or self.filters_besides("q") or not self.filterset.is_valid():
            return None
        query = self.filterset.form.cleaned_data.get("q")
        return self.filterset.search_matches(query) if query else None

    def cache_key(self, without: str | None = None, ordered: bool = False) -> str:
        """Same initiatives, same key (see `cache_query`). `without` leaves one parameter out: a
        facet's counts depend on every filter but its own. `ordered`: the order matters too."""
        known = set(FILTER_PARAMETERS) - {without} - (set() if ordered else PRESENTATION)
        # A preset page computes no facet for its preset: its counts differ from the plain list's.
        preset = ",".join(sorted(self.preset))
        return hashlib.sha256(f"{cache_query(self.params, known)}|preset={preset}".encode()).hexdigest()[:32]

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


def normalise(data: QueryDict, preset: dict[str, str] | None = None) -> Selection:
    """The FilterSet's parameters only, in its order, blanks dropped; a preset (a country page's
    country…) wins. Unknown parameters (utm_source…) are ignored. Not yet validated."""
    preset = preset or {}
    params = QueryDict(mutable=True)
    for key in FILTER_PARAMETERS:
        values = [preset[key]] if key in preset else present_values(data, key)
        if values:
            params.setlist(key, values)
    return Selection(params=params, preset=preset)


def select(data: QueryDict, preset: dict[str, str] | None = None, *, strict: bool = False, queryset=None) -> Selection:
    """normalise() then clean(): the selection a page shows (bad values explained and dropped) or,
    with `strict`, the one a machine endpoint serves (bad values raise InvalidSelection)."""
    return normalise(data, preset).clean(strict=strict, queryset=queryset)


def _drop_invalid(filterset, params: QueryDict) -> tuple[QueryDict, list[str]]:
    """Keep the valid values of each invalid parameter, using the filter's own form field."""
    params = params.copy()
    notices = []
    for name, errors in filterset.form.errors.items():
        form_field = filterset.form.fields[name]
        label = filterset.filters[name].label
        values = present_values(params, name)
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
