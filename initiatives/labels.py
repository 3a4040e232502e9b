"""What a page calls a filter's value: country and choice names, and every vocabulary term by slug."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django_countries import countries

from .cache import versioned_key
from .facet_table import VOCABULARY_TOKEN
from .models import FacetCount, Initiative, Program, Route, Sector, SectorFamily, Theme
from .text import fold

VOCABULARIES = {"family": SectorFamily, "sector": Sector, "theme": Theme, "program": Program, "route": Route}
CACHE_SECONDS = 60 * 60
# The labels last read, under their key: a page reads them two or three times, and unpickling
# 100 model instances from the cache cost about 3 ms each time. The key changes with every
# vocabulary change, so a process never serves an old one.
_last_read: dict[str, dict] = {}
# Each facet value's (label, sort key) per language, for the labels object last read: naming and
# folding the ~140 options of a list page cost about 1 ms a first render. Dropped with that
# object (a renamed term comes with a new one); bounded, as chosen values come from visitors.
# Kept as one (labels, names) pair, replaced whole: a thread still holding older labels writes
# into their names, never into the newer labels' ones.
_named: list[tuple[dict | None, dict[tuple[str, str, str], tuple[str, str]]]] = [(None, {})]
NAMED_MAX = 5000


def vocabulary_labels() -> dict[str, dict[str, object]]:
    """Every sector, theme, programme and Rota by slug, cached (labels are localised at render).

    Cached under the token the database renews whenever a vocabulary changes (facet_table), not
    under the catalogue version: an initiative's edit costs reading the token, not every term.
    The token itself is cached per catalogue version (no query between two edits)."""
    token_key = versioned_key("vocabulary-token")
    token = cache.get(token_key)
    if token is None:
        token = FacetCount.objects.filter(facet=VOCABULARY_TOKEN).values_list("n", flat=True).first() or ""
        cache.set(token_key, token, CACHE_SECONDS)
    key = f"vocabularies:{settings.RELEASE}:{token}" if token != "" else versioned_key("vocabularies")
    if key in _last_read:
        return _last_read[key]
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
    _last_read.clear()
    _last_read[key] = labels
    return labels


def forget_vocabulary_labels() -> None:
    """Make the next vocabulary_labels() read the cache (tests, after emptying it)."""
    _last_read.clear()
    _named[0] = (None, {})


def named_value(name: str, value: str, labels: dict, region_names: dict | None = None) -> tuple[str, str]:
    """value_label() and its fold() (the options' sort key), kept per language for these labels.
    Regions are named from the database per page (their names change with the region token)."""
    if name == "region":
        label = value_label(name, value, labels, region_names)
        return label, fold(label)
    named_for, named = _named[0]
    if named_for is not labels or len(named) >= NAMED_MAX:
        named = {}
        _named[0] = (labels, named)
    key = (get_language() or "", name, value)
    found = named.get(key)
    if found is None:
        label = value_label(name, value, labels)
        found = named[key] = (label, fold(label))
    return found


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
