"""What a visitor's search looks through: the one definition of an initiative's folded
`search_text`, set with its `name_key` by `Initiative.set_derived_fields()` (called by its save
and by `reindex`, the bulk writer of the importers, the signals that follow renamed terms and the
benchmark's generator).

Every name a visitor may type is in it: the initiative's own names and texts, its places (country
in the three languages, regions, municipalities), its sectors, Rota and programme in every
language they are named in, and its managing organisation. `own_search_text` is the same without
the names of its sectors, Rota and programme: PostgreSQL's search reads a copy of it and finds
those names in the vocabulary instead (terms_naming, initiatives.search_table).
"""

from functools import cache

from django.apps import apps
from django.db import connections
from django.utils.translation import override
from django_countries import countries

from .facet_table import REGION_TOKEN, VOCABULARY_TOKEN
from .text import fold

# The initiative's own searchable fields; a new text field is searched once listed here.
SEARCHED_FIELDS = (
    "name", "name_pt_br", "name_es", "name_en", "territory", "managing_organisation",
    "description", "description_pt_br", "description_es", "description_en", "specialisation",
)  # fmt: skip
SEARCH_LANGUAGES = ("pt-br", "es", "en")
BATCH = 1000


@cache
def country_names(code: str) -> tuple[str, ...]:
    """A country's name in the catalogue's three languages ('Brasil', 'Brazil')."""
    names = []
    for language in SEARCH_LANGUAGES:
        with override(language):
            names.append(str(countries.name(code)))
    return tuple(dict.fromkeys(n for n in names if n))


def term_names(term) -> list[str]:
    """Every name of a sector, Rota or programme (a term may add synonyms by overriding
    `search_names`)."""
    names = getattr(term, "search_names", None) or term.all_names
    return list(names())


def _own_parts(initiative, municipalities, regions) -> list[str]:
    """The folded parts of `initiative`'s own fields and places."""
    own = [getattr(initiative, name, "") for name in SEARCHED_FIELDS]
    if initiative.country:
        own += country_names(str(initiative.country))
    return [fold(part) for part in [*own, *regions, *municipalities] if part]


def _term_parts(initiative, sectors) -> list[str]:
    """The folded names of `initiative`'s sectors (objects), Rota and programme."""
    names = []
    for sector in sectors:
        names += term_names(sector)
    for related in ("route", "program"):
        if getattr(initiative, f"{related}_id", None):
            names += term_names(getattr(initiative, related))
    return [fold(name) for name in names if name]


def _joined(parts) -> str:
    return " ".join(dict.fromkeys(part for part in parts if part))


def search_texts(initiative, *, municipalities=(), regions=(), sectors=()) -> tuple[str, str]:
    """(search_text(), own_search_text()) of `initiative`, each part folded once."""
    own = _own_parts(initiative, municipalities, regions)
    return _joined(own + _term_parts(initiative, sectors)), _joined(own)


def search_text(initiative, *, municipalities=(), regions=(), sectors=()) -> str:
    """The folded text of `initiative` given the names of its municipalities and regions and
    its sectors (objects): each distinct folded part once, in a stable order."""
    return search_texts(initiative, municipalities=municipalities, regions=regions, sectors=sectors)[0]


def own_search_text(initiative, *, municipalities=(), regions=()) -> str:
    """search_text() without the names of its sectors, Rota and programme: what PostgreSQL's copy
    of the text holds (initiatives.search_table), those names being matched in the vocabulary."""
    return _joined(_own_parts(initiative, municipalities, regions))


def current_search_texts(initiative) -> tuple[str, str]:
    """search_texts() with the relations as the database has them (none before the first save)."""
    if initiative.pk is None:
        return search_texts(initiative)
    return search_texts(
        initiative,
        municipalities=list(initiative.municipalities.values_list("name", flat=True)),
        regions=list(initiative.regions.values_list("name", flat=True)),
        sectors=list(initiative.sectors.select_related("family")),
    )


def current_search_text(initiative) -> str:
    return current_search_texts(initiative)[0]


def reindex(queryset) -> int:
    """Recompute the derived fields (Initiative.DERIVED_FIELDS) of the initiatives of `queryset`
    in bulk, relations prefetched; returns how many changed. Bulk writes send no signal and leave
    no history (the fields are derived, not history)."""
    rows = queryset.select_related("route", "program").prefetch_related("municipalities", "regions", "sectors__family")
    fields = queryset.model.DERIVED_FIELDS
    changed = []
    for initiative in rows.order_by("pk").iterator(chunk_size=BATCH):
        before = [getattr(initiative, name) for name in fields]
        initiative.set_derived_fields(
            municipalities=[m.name for m in initiative.municipalities.all()],
            regions=[r.name for r in initiative.regions.all()],
            sectors=list(initiative.sectors.all()),
        )
        if [getattr(initiative, name) for name in fields] != before:
            changed.append(initiative)
    queryset.model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return len(changed)


# -- vocabularies kept in the process --------------------------------------------------------

# (token's facet, database alias) -> (token, what was built under it): the latest only.
_kept: dict[tuple[str, str], tuple[int, object]] = {}


def _kept_under_token(facet: str, using: str, build):
    """What `build()` makes from a vocabulary, kept in this process under the token the database
    renews whenever that vocabulary is written (facet_table), read at each call with one plain
    query (the ORM's took twice as long), so that a change by another process is seen at once
    and an initiative's edit rebuilds nothing. Without a token (nothing tells when the vocabulary
    changes) built every time."""
    facet_count = apps.get_model("initiatives", "FacetCount")._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT n FROM {facet_count} WHERE facet = %s AND value = ''", [facet])  # noqa: S608
        token = next(iter(cursor.fetchone() or ()), None)
    kept = _kept.get((facet, using))
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    built = build()
    if token is not None:
        _kept[(facet, using)] = (token, built)
    return built


# -- the terms a search word names -----------------------------------------------------------


def _named_terms(using: str) -> list[list[tuple[int, list[str]]]]:
    """Every sector's, programme's and Rota's (id, folded names)."""
    vocabulary = [
        apps.get_model("initiatives", "Sector").objects.using(using).select_related("family").order_by(),
        apps.get_model("initiatives", "Program").objects.using(using).order_by(),
        apps.get_model("initiatives", "Route").objects.using(using).order_by(),
    ]
    return [[(term.pk, [fold(name) for name in term_names(term) if name]) for term in terms] for terms in vocabulary]


def terms_naming(words: list[str], using: str = "default") -> list[tuple[list[int], list[int], list[int]]]:
    """For each folded word, the ids of the (sectors, programmes, Rotas) one of whose names
    (term_names: a sector's with its family's) holds it: the initiatives having one of them
    match the word through their terms' part of search_text."""
    named = _kept_under_token(VOCABULARY_TOKEN, using, lambda: _named_terms(using))
    return [
        tuple(sorted(pk for pk, names in terms if any(word in name for name in names)) for terms in named)
        for word in words
    ]


# -- places a query names exactly, so their initiatives rank first ------------------------------


@cache
def _countries_by_folded_name() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, _name in countries:
        for name in country_names(code):
            index.setdefault(fold(name), code)
    return index


def _regions_by_folded_name(region_model) -> dict[str, list[int]]:
    """Folded name -> region ids. Regions change rarely: an initiative's edit must not rebuild it
    (6,000 fold() calls)."""
    index: dict[str, list[int]] = {}
    for pk, name in region_model.objects.values_list("pk", "name"):
        # "Bogotá, D.C." or "Santo Domingo (Distrito Nacional)": the name before the remark counts too.
        for spelling in {name, name.split("(")[0], name.split(",")[0]}:
            if fold(spelling):
                index.setdefault(fold(spelling), []).append(pk)
    return index


def places_named(query: str | None, region_model) -> tuple[list[int], list[str]]:
    """(region ids, country codes) whose name is exactly the query, accents and case aside:
    'para' names Pará, not Paraíba; 'colombia' names Colombia."""
    folded = fold(query)
    if not folded:
        return [], []
    country = _countries_by_folded_name().get(folded)
    regions = _kept_under_token(REGION_TOKEN, region_model.objects.db, lambda: _regions_by_folded_name(region_model))
    return regions.get(folded, []), [country] if country else []
