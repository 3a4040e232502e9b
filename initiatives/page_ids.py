"""A page's ids read without sorting every row of a large selection, for InitiativeQuerySet:
ranked by similarity on PostgreSQL, in name order on SQLite. And the two expressions that the
search and these reads share: a word's similarity, and an id among many passed as one parameter."""

from django.db import connections, models
from django.db.models import F

from . import search_facets
from .translation import active_language, suffix

# How many matches page_ids() reads in name order for those of the highest similarity: bounds
# what it costs when there are too few of them (a search matching descriptions, not names).
SIMILARITY_PROBE = 1000
# How many initiatives, per match, page_ids() walks in name order for a page of a search's
# matches on SQLite (_ids_walking_in_order): each row walked costs about a third of what each
# match costs sorted through their list, so a walk that finds too few costs at most about twice
# the sort it then falls back to. Fewer matches than MATCHES_WORTH_WALKING sort in under a ms.
MATCHES_WALK = 3
MATCHES_WORTH_WALKING = 1000


class WordSimilarity(models.Func):
    """pg_trgm's word_similarity(query, text): how well the query matches some run of the text."""

    function = "word_similarity"
    output_field = models.FloatField()


class IdAmong(models.Func):
    """The row's id (or the id in `field`) is one of `ids`, passed as one parameter: an array on
    PostgreSQL, a JSON list read by json_each() on SQLite. As an IN list of 10,000 parameters
    Django prepared each one (about 70 ms a query in Python) and PostgreSQL took longer than
    matching the text again."""

    output_field = models.BooleanField()

    def __init__(self, ids: list[int], field: str = "pk"):
        super().__init__(F(field))
        # Once here, the only check they are integers (their SQL text is built from them): map()
        # costs half a comprehension. Ids read as one text (search_facets.Ids) are ints already.
        self.ids = ids if isinstance(ids, search_facets.Ids) else list(map(int, ids))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        condition, ids = search_facets.among(column, self.ids, connection.vendor)
        return condition, [*params, *ids]


def name_sort_key(language: str | None = None) -> F:
    """The column holding the name a page in `language` shows, folded (Initiative.sort_key)."""
    return F(f"sort_key_{suffix(language or active_language())}")


class PageIdsMixin:
    """page_ids() for a QuerySet that also has db_vendor() and _is_every_published()."""

    def page_ids(self, bottom: int, top: int) -> list[int]:
        """The ids of rows bottom..top of this queryset, in its order. Under a search ranked by word
        similarity alone (search() on PostgreSQL, no place named, no other ordering), the first
        pages are usually among the matches whose name holds every trigram of the query (a
        similarity of exactly 1, the highest): read in the order of the name's index until `top`
        of those, without computing the similarity of every match (about 5 µs each, 60 ms at
        12,000 matches). Fewer than `top` among the first SIMILARITY_PROBE matches: the full sort."""
        if top <= bottom or self.query.is_empty():
            return []
        if top <= SIMILARITY_PROBE and self._ranked_by_similarity_alone():
            ids = self._best_similarity_ids(top)
            if len(ids) == top:
                return ids[bottom:top]
        if self.db_vendor() == "sqlite":
            ids = self._ids_walking_in_order(top)
            if ids is not None:
                return ids[bottom:top]
        return list(self.values_list("pk", flat=True)[bottom:top])

    def _ids_walking_in_order(self, top: int) -> list[int] | None:
        """The first `top` ids of these initiatives when they are every published initiative
        among a search's matches (among()), many of them, ordered by name: read from the name's
        index in that order, keeping those among the matches, until `top` of them. Selecting them
        through the list of ids cost 8–9 ms at 12,000 matches (SQLite builds a b-tree of the
        list, reads each match's key, sorts); the walk stops at the top-th match, often within a
        few hundred rows. None (the usual query) for any other queryset, or when MATCHES_WALK rows
        per match gave fewer than `top`."""
        query = self.query
        # filter(IdAmong(ids)) keeps it as the condition "IdAmong(ids) = true".
        among = [child for child in query.where.children if isinstance(getattr(child, "lhs", None), IdAmong)]
        if (
            len(among) != 1
            or among[0].rhs is not True
            or len(among[0].lhs.ids) < MATCHES_WORTH_WALKING
            or query.where.connector != "AND"
            or query.where.negated
            or query.annotations
            or query.extra_order_by
            or query.distinct
            or not self._ordered_by_name_alone()
        ):
            return None
        walk = self._chain()
        walk.query.where.children.remove(among[0])
        if not walk._is_every_published():
            return None
        matches, found = set(among[0].lhs.ids), []
        budget = MATCHES_WALK * len(matches)
        if budget < top:
            return None
        sql, params = walk.values_list("pk")[:budget].query.sql_with_params()
        with connections[self.db].cursor() as cursor:
            # Stepped row by row: SQLite reads the index only as far as the rows fetched.
            for (pk,) in cursor.execute(sql, params):
                if pk in matches:
                    found.append(pk)
                    if len(found) == top:
                        return found
        return None

    def _ordered_by_name_alone(self) -> bool:
        """Ordered as by_name() orders (no other key before the name), which the name's index
        of the page's language gives without sorting."""
        order = tuple(self.query.order_by)
        if len(order) != 2 or order[1] not in ("pk", "-pk"):
            return False
        key = name_sort_key()
        return order[0] in (key.asc(), key.desc()) and (order[0] == key.desc()) == (order[1] == "-pk")

    def _ranked_by_similarity_alone(self) -> bool:
        query = self.query
        return (
            tuple(query.order_by) == ("-search_rank", "name_key", "pk")
            and isinstance(query.annotations.get("search_rank"), WordSimilarity)
            and not query.extra_order_by
            and not query.distinct
        )

    def _best_similarity_ids(self, top: int) -> list[int]:
        """Up to `top` ids of the matches of similarity 1, by name then id, among the first
        SIMILARITY_PROBE matches in that order: as many as there are, they rank first, in the
        order the full sort gives them (no match ranks above 1, ties go by name then id), and any
        such match before the last one read is among the first SIMILARITY_PROBE."""
        probe = self.order_by("name_key", "pk").values_list("pk", "name_key", "search_rank")[:SIMILARITY_PROBE]
        sql, params = probe.query.sql_with_params()
        outer = (
            f"SELECT probe.col1 FROM ({sql}) probe(col1, col2, col3) "
            "WHERE probe.col3 = 1 ORDER BY probe.col2, probe.col1 LIMIT %s"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(outer, [*params, top])
            return [pk for (pk,) in cursor.fetchall()]
