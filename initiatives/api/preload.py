"""The sectors (with families), themes and regions of one page of the API's list, loaded cheaply.

Django's prefetch_related builds, for each initiative and relation, a filtered queryset to hold
the prefetched rows, and one model instance per link: at 100 initiatives that was most of the
page's database work in Python (about 20 ms, the queries themselves about 2 ms). Here each link
table is read as (initiative, term) id pairs, each term is loaded once, and every initiative
gets plain lists, in the order a prefetch gives (the vocabulary's own ordering). The API's
representation (see .representation) reads them; nothing else does.

Sectors (with their families), themes and regions change far less often than initiatives: this
process keeps them, whole, under the tokens the database renews at each change of a vocabulary
and of a region (facet_table), so that the first page after an initiative's edit builds none of
them.
"""

from django.db import connections

from ..facet_table import REGION_TOKEN, VOCABULARY_TOKEN
from ..models import FacetCount, Initiative, Region, Sector, Theme, families_of
from ..search_facets import among

PRELOADED = "_api_vocabularies"
# Token -> {relation: (terms in the vocabulary's order, term id -> its place)}; the latest only,
# per token: sectors and themes under the vocabulary token, regions under the region token.
_kept: dict[str, dict[int, dict[str, tuple[list, dict[int, int]]]]] = {VOCABULARY_TOKEN: {}, REGION_TOKEN: {}}


def _ordered(terms) -> tuple[list, dict[int, int]]:
    ordered = list(terms)
    return ordered, {term.pk: n for n, term in enumerate(ordered)}


def vocabulary_tokens(*facets: str) -> dict[str, int]:
    """The database's tokens of the vocabularies and of the regions (see facet_table), and the
    kept counts of `facets` in the same read."""
    return dict(FacetCount.objects.filter(facet__in=[*_kept, *facets]).values_list("facet", "n"))


def kept_vocabularies(tokens: dict[str, int] | None = None) -> dict[str, tuple[list, dict[int, int]]]:
    """Every sector and theme, and every region, as of the database's tokens (read unless given)."""
    if tokens is None:
        tokens = vocabulary_tokens()
    terms = {}
    for facet, kept in _kept.items():
        token = tokens.get(facet)
        if token is None:  # no token yet: nothing tells when these terms change, so load them now
            continue
        loaded = kept.get(token)
        if loaded is None:  # (another thread may clear `kept` meanwhile: these terms are used)
            loaded = _load(facet)
            kept.clear()
            kept[token] = loaded
        terms.update(loaded)
    return terms


def _load(facet: str) -> dict[str, tuple[list, dict[int, int]]]:
    if facet == REGION_TOKEN:
        return {"regions": _ordered(Region.objects.all())}
    return {"sectors": _ordered(Sector.objects.select_related("family")), "themes": _ordered(Theme.objects.all())}


RELATIONS = ("sectors", "themes", "regions")


def page_links(ids: list[int]) -> dict[str, list[tuple[int, int]]]:
    """Each relation's (initiative id, term id) links of these initiatives, in one query."""
    connection = connections[Initiative.objects.db]
    quote = connection.ops.quote_name
    selects, params = [], []
    for n, relation in enumerate(RELATIONS):
        descriptor = getattr(Initiative, relation)
        table = quote(descriptor.through._meta.db_table)
        initiative, term = quote(descriptor.field.m2m_column_name()), quote(descriptor.field.m2m_reverse_name())
        condition, param = among(initiative, ids, connection.vendor)
        selects.append(f"SELECT {n}, {initiative}, {term} FROM {table} WHERE {condition}")
        params += param
    links: dict[str, list[tuple[int, int]]] = {relation: [] for relation in RELATIONS}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for n, initiative, term in cursor.fetchall():
            links[RELATIONS[n]].append((initiative, term))
    return links


def preload_vocabularies(initiatives: list, links=None, tokens: dict[str, int] | None = None) -> None:
    """Sets each initiative's vocabularies, from `links` (page_links) and `tokens` when given."""
    ids = [initiative.pk for initiative in initiatives]
    loaded: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    kept = kept_vocabularies(tokens)
    if links is None:
        links = page_links(ids)
    for relation, terms in (
        ("sectors", Sector.objects.select_related("family")),
        ("themes", Theme.objects.all()),
        ("regions", Region.objects.all()),
    ):
        pairs = [link for link in links[relation] if link[0] in loaded]  # links may hold other rows
        if relation in kept and all(term in kept[relation][1] for _initiative, term in pairs):
            ordered, place = kept[relation]
        else:  # no token; or a term added since the token was read
            ordered, place = _ordered(terms.filter(pk__in={term for _initiative, term in pairs}))
        by_initiative: dict[int, list] = {pk: [] for pk in ids}
        for initiative, term in pairs:
            by_initiative[initiative].append(term)
        for pk, term_ids in by_initiative.items():
            loaded[pk][relation] = [ordered[place[term]] for term in sorted(term_ids, key=place.__getitem__)]
    for initiative in initiatives:
        vocabularies = loaded[initiative.pk]
        vocabularies["families"] = families_of(vocabularies["sectors"])
        setattr(initiative, PRELOADED, vocabularies)


def preloaded(instance, attribute: str):
    """The preloaded list for `attribute` of `instance`, or None when it was not preloaded."""
    return getattr(instance, PRELOADED, {}).get(attribute)
