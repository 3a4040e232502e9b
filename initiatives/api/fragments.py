"""Each initiative's JSON on the API's list pages, kept by the process under what it is made of.

An edit moves the catalogue's version, and every page is rendered again though one initiative
changed at most: loading the page's rows as objects and serializing them was most of the page's
time. Here each row's JSON (orjson's bytes, put in the page as they are) is kept under a key that
is the content it is made of: every column of the row that it can show, as the database holds it
(so a save(), an update() or an import all make a new key, whatever they change), the ids of its
sectors, themes and regions, the tokens the database renews at every change of a sector, family,
theme, programme, Rota or region (see facet_table), and what the request adds (language, time
zone, address, the links as DRF writes them). No edit path can leave a stale entry behind: a
changed initiative has another key. Only the rows whose key is new are loaded as objects and
serialized; a page is otherwise its rows' columns and links read, and joined bytes.

The entries live in a bounded dict per process: reading the shared cache would cost a page's 100
reads; a worker's first page pays for its rows once.
"""

import orjson
from django.utils import timezone
from rest_framework.reverse import reverse
from rest_framework.utils.encoders import JSONEncoder

from ..facet_table import REGION_TOKEN, VOCABULARY_TOKEN
from ..models import Initiative
from .preload import RELATIONS, page_links, preload_vocabularies
from .renderers import OPTIONS

KEPT = 2000  # rows; an entry holds a row's columns and its JSON, a few kB
_kept: dict[tuple, bytes] = {}
# Columns no row of the list shows, whatever the language: the long texts and the creation date.
# Left out of the key, which would read and hash them for every row of every page (a third of
# its cost); the tests check that changing any of them changes no row's JSON.
NOT_SHOWN = frozenset(
    {
        "description",
        "description_pt_br",
        "description_es",
        "description_en",
        "source_text",
        "internal_notes",
        "search_text",
        "own_search_text",
        "created",
    }
)
_PK = Initiative._meta.pk.attname
COLUMNS = (
    _PK,
    *(field.attname for field in Initiative._meta.concrete_fields if field.attname not in {_PK, *NOT_SHOWN}),
)


def rows(queryset):
    """The queryset's rows as tuples of the key's columns, the id first, in its order."""
    return queryset.values_list(*COLUMNS)


def request_scope(request, view) -> tuple:
    """What the request adds to a row's JSON: its language and time zone, the site's address, and
    the links as DRF writes them (a format suffix, the request's ?format= carried over)."""
    link = reverse("api:initiative-detail", kwargs={"slug": "-"}, request=request, format=view.format_kwarg)
    zone = timezone.get_current_timezone_name()
    return (type(view).__name__, view.language, zone, request.build_absolute_uri("/"), link)


def _stored_row(instance) -> tuple:
    # The columns as loaded (before any descriptor wrapped them): the values values_list reads.
    raw = instance.__dict__
    return tuple(getattr(raw[column], "name", raw[column]) if column == "logo" else raw[column] for column in COLUMNS)


def page_results(rows: list[tuple], queryset, serialize, scope: tuple, tokens: dict[str, int]):
    """The JSON of each row (orjson.Fragment), in order, reusing those kept; the others from
    `queryset` (which selected `rows`) through `serialize(instances)`; `tokens` as
    vocabulary_tokens() read them. None when it cannot be done this way (no tokens yet, a row
    gone meanwhile, a value orjson refuses): the caller serializes as usual."""
    if VOCABULARY_TOKEN not in tokens or REGION_TOKEN not in tokens:
        return None  # nothing would tell when a name changes
    scope = (*scope, tokens[VOCABULARY_TOKEN], tokens[REGION_TOKEN])
    ids = [row[0] for row in rows]
    links = page_links(ids)
    linked: dict[int, tuple[list, ...]] = {pk: tuple([] for _ in RELATIONS) for pk in ids}
    for n, relation in enumerate(RELATIONS):
        for initiative, term in links[relation]:
            linked[initiative][n].append(term)

    def key(row: tuple) -> tuple:
        return (scope, row, tuple(tuple(sorted(terms)) for terms in linked[row[0]]))

    found = [_kept.get(key(row)) for row in rows]
    missing = [pk for pk, content in zip(ids, found, strict=True) if content is None]
    if missing:
        made = _serialize(queryset.filter(pk__in=missing), links, tokens, serialize, key)
        if made is None or len(made) != len(missing):
            return None
        found = [made[pk] if content is None else content for pk, content in zip(ids, found, strict=True)]
    return [orjson.Fragment(content) for content in found]


def _serialize(queryset, links, tokens, serialize, key) -> dict[int, bytes] | None:
    instances = list(queryset)
    preload_vocabularies(instances, links, tokens)
    default = JSONEncoder().default  # as FastJSONRenderer renders
    made = {}
    for instance, representation in zip(instances, serialize(instances), strict=True):
        try:
            content = orjson.dumps(representation, default=default, option=OPTIONS)
        except orjson.JSONEncodeError:
            return None
        # Kept under the row as it was loaded here: if it changed since `rows` were read, this
        # JSON is the newer row's and must not answer for the older one.
        _keep(key(_stored_row(instance)), content)
        made[instance.pk] = content
    return made


def _keep(key: tuple, content: bytes) -> None:
    while len(_kept) >= KEPT:
        try:
            del _kept[next(iter(_kept))]  # the oldest
        except (StopIteration, KeyError, RuntimeError):  # another thread took it first
            break
    _kept[key] = content


def forget() -> None:
    """Drop every kept row (tests)."""
    _kept.clear()
