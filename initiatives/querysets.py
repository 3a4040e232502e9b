import json

from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from . import facet_rows, search_facets, search_fts, search_index, search_table
from .facet_counting import FacetCountsMixin
from .link_counts import LinkedTo, LinksCounted
from .page_ids import IdAmong, PageIdsMixin, WordSimilarity, name_sort_key
from .text import fold, search_terms

# A vocabulary's facet among the kept counts, by model name.
KEPT_FACETS = {"sectorfamily": "family", "sector": "sector", "theme": "theme", "program": "program", "route": "route"}


# Content of other apps that makes a term worth showing, by vocabulary model: lookups of a
# boolean that is True on published rows (e.g. "library_items__is_published" for Theme). Apps
# register theirs in their AppConfig.ready(), so this app never imports them.
PUBLISHED_USES: dict[type, list[str]] = {}


def count_as_published_use(vocabulary_model, lookup: str) -> None:
    uses = PUBLISHED_USES.setdefault(vocabulary_model, [])
    if lookup not in uses:
        uses.append(lookup)


class VocabularyQuerySet(models.QuerySet):
    """Verbs of sectors, themes, programmes and Rotas."""

    def with_published(self):
        """Terms with something published: an initiative, or content another app registered
        (see count_as_published_use). The others stay answerable but are not offered: home page,
        facets, sitemap."""
        # Its published initiatives, from the counts the database keeps (facet_table): the
        # semi-join through 100,000 initiatives' links took a second.
        kept = self.model._meta.apps.get_model("initiatives", "FacetCount").objects
        facet = KEPT_FACETS[self.model._meta.model_name]
        counted = kept.filter(facet=facet, n__gt=0).annotate(term=Cast("value", models.BigIntegerField()))
        used = Q(pk__in=counted.values("term"))
        for lookup in PUBLISHED_USES.get(self.model, []):
            # One semi-join per relation: OR-ing joins of several relations would multiply rows.
            used |= Q(pk__in=self.model.objects.filter(**{lookup: True}).values("pk"))
        return self.filter(used)


class FoldedSearchQuerySet(models.QuerySet):
    """Search over a model's folded `search_text` (see initiatives.text.fold): every folded word
    of the query must appear, so 'sao joao' finds 'São João' on every database. Shared by the
    initiatives and the hub's content."""

    def search(self, query: str | None):
        terms = search_terms(query)
        if not terms:
            return self
        return self.filter(self.text_condition(terms))

    def text_condition(self, terms: list[str]) -> Q:
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
        return condition

    def db_vendor(self) -> str:
        return connections[self.db].vendor


def _comma_separated(text: str) -> list[int]:
    return [int(pk) for pk in text.split(",")] if text else []


class InitiativeQuerySet(FacetCountsMixin, PageIdsMixin, FoldedSearchQuerySet):
    """The domain verbs shared by pages, map, API and exports."""

    def by_name(self, *before: str, descending: bool = False):
        """Ordered by `before`, then by the name as the active language shows it, as people sort
        (Açaí before Avicultura; Cluster, Clúster and CLUSTER together), then the primary key."""
        key = name_sort_key()
        return self.order_by(*before, key.desc() if descending else key.asc(), "-pk" if descending else "pk")

    def published(self):
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)

    def rotas_polos(self):
        return self.filter(kind="rotas_polo")

    def located(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def text_condition(self, terms: list[str]) -> Q:
        """On SQLite the words of three characters or more are looked up in the FTS5 trigram
        index (initiatives.search_fts), the others read the table as before: same matches."""
        indexed = search_fts.indexed_terms(terms) if self.db_vendor() == "sqlite" else []
        if not indexed:
            return super().text_condition(terms)
        condition = Q(pk__in=RawSQL(*search_fts.matching_rowids(indexed)))
        return condition & super().text_condition([term for term in terms if term not in indexed])

    def search(self, query: str | None, matches: list[int] | None = None):
        """Folded word search (see FoldedSearchQuerySet) over every name of an initiative (see
        initiatives.search_index). A query that is exactly a region's or a country's name ranks
        that place's initiatives first ('Pará' before Paraíba's). On PostgreSQL the LIKEs use the
        pg_trgm index (migration 0003) and, after the place, the matches whose name resembles the
        query most come first (word similarity on the short folded name: on the whole text it
        costs ten times more). An explicit ordering applied afterwards replaces all that. The set
        of results is the same on every database. `matches`: the ids search_ids() read for this
        query, to select them again without matching the text again."""
        if not search_terms(query):
            return self
        matches = self.among(matches) if matches is not None else super().search(query)
        order = ["name_key", "pk"]
        if self.db_vendor() == "postgresql":
            matches = matches.annotate(search_rank=WordSimilarity(Value(fold(query)), F("name_key")))
            order.insert(0, "-search_rank")
        region_ids, country_codes = search_index.places_named(query, self.model.regions.field.related_model)
        if region_ids or country_codes:
            through = self.model.regions.through.objects
            in_region = Exists(through.filter(initiative_id=OuterRef("pk"), region_id__in=region_ids))
            matches = matches.annotate(
                place_rank=Case(
                    When(in_region, then=Value(0)),
                    When(country__in=country_codes, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            order.insert(0, "place_rank")
        return matches.order_by(*order) if len(order) > 2 else matches

    def search_ids(self, query: str | None, limit: int = 30_000) -> list[int] | None:
        """The ids of these initiatives that search(query) finds, read once so that the page, its
        count and each facet select them instead of matching the text again; None when there is
        no search or more than `limit` matches (a one-letter search: most of the catalogue, whose
        ids would be copied into every query; those keep matching the text in each)."""
        terms = search_terms(query)
        if not terms:
            return None
        if self.db_vendor() == "postgresql" and self._is_every_published():
            # From the narrow copy of the text alone (initiatives.search_table): the initiatives'
            # wide rows each match read again cost twice as much.
            sql, params = search_table.published_matches(terms, self.db)
            with search_table.read_through_index(connections[self.db]):
                ids = self._ids_in_one_value(f"{sql} LIMIT %s", [*params, limit + 1])
        else:
            sql, params = self._matching_pks(terms)
            ids = self._ids_in_one_value(f"{sql} LIMIT %s", [*params, limit + 1])
        return ids if len(ids) <= limit else None

    def search_matches(self, query: str | None, limit: int = 30_000) -> tuple[list[int] | None, list[tuple] | None]:
        """search_ids(query) and, for a queryset of every published initiative (those having a
        facet row), the matches' facet rows (search_facets.ROW_COLUMNS, the id first) read in the
        same statement as the matching, not afterwards among the ids; None for those rows
        otherwise, and for both when there is no search or more than `limit` matches."""
        terms = search_terms(query)
        if not terms or not self._is_every_published():
            return self.search_ids(query, limit), None
        if self.db_vendor() == "postgresql":
            # The text's copy carries each initiative's facet row (initiatives.search_table).
            read = search_table.matches_with_facet_rows(terms, limit + 1, self.db)
        else:
            if len(search_fts.indexed_terms(terms)) == len(terms):
                # The trigram index alone: the facet rows leave the drafts out.
                sql, params = search_fts.matching_rowids(terms)
            else:
                sql, params = self._matching_pks(terms)
            read = search_facets.matches_query(sql, params, limit + 1)
        connection = connections[self.db]
        with search_table.read_through_index(connection), connection.cursor() as cursor:
            found = search_facets.FacetRows.read(cursor, *read)  # one row: each column joined
        if len(found) > limit:
            return None, None
        return found.ids, found

    def facet_rows_of(self, selections: list[dict[str, set]], limit: int = 30_000) -> list[tuple] | None:
        """The facet rows (search_facets.ROW_COLUMNS, the id first) of the published initiatives
        having, for any of `selections`, one of its values of each of its facets ({"country":
        {"BR"}, "theme": {4}}: values as stored, a term's id), in one statement: their ids from
        the link tables' and the initiatives' indexes (ids_having), then each row by id. None
        when more than `limit`."""
        parts, params = [], []
        for chosen in selections:
            conditions = []
            for ids in self.ids_having(chosen):
                sql, ids_params = ids.query.sql_with_params()
                conditions.append(f"id IN ({sql})")
                params += ids_params
            parts.append(" AND ".join(conditions))
        if len(parts) == 1:  # read straight: a self-join of the table cost PostgreSQL ~15 ms at 10,000 rows
            sql = f"SELECT {', '.join(search_facets.ROW_COLUMNS)} FROM {facet_rows.TABLE} WHERE {parts[0]} LIMIT %s"
            query = sql, [*params, limit + 1]
        else:
            union = " UNION ".join(f"SELECT id FROM {facet_rows.TABLE} WHERE {part}" for part in parts)
            query = search_facets.matches_query(union, params, limit + 1)
        with connections[self.db].cursor() as cursor:
            cursor.execute(*query)
            found = cursor.fetchall()
        return found if len(found) <= limit else None

    def _matching_pks(self, terms: list[str]) -> tuple[str, list]:
        return self.order_by().filter(self.text_condition(terms)).values_list("pk").query.sql_with_params()

    def _ids_in_one_value(self, sql: str, params: list) -> list[int]:
        """The ids `sql` selects (a column named pk), fetched as one text value and split here:
        12,000 ids cost 2–3 ms less than as rows (SQLite), about 1 ms (PostgreSQL)."""
        if self.db_vendor() == "postgresql":
            aggregated, parse = f"SELECT string_agg(pk::text, ',') FROM ({sql}) ids", _comma_separated
        else:
            aggregated, parse = f"SELECT json_group_array(pk) FROM ({sql})", json.loads
        with connections[self.db].cursor() as cursor:
            cursor.execute(aggregated, params)
            return parse(cursor.fetchone()[0] or "")

    def _is_every_published(self) -> bool:
        """Whether this queryset selects every published initiative and nothing else."""
        every = self.model._default_manager.published()
        return (
            self.order_by().values("pk").query.sql_with_params()
            == every.order_by().values("pk").query.sql_with_params()
        )

    def among(self, ids: list[int]):
        """These initiatives whose id is in `ids` (e.g. search_ids())."""
        if not ids:
            return self.none()
        return self.filter(IdAmong(ids))

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon)

    def with_vocabularies(self):
        """What a list or the API shows of each row, loaded in a constant number of queries."""
        return self.select_related("program", "route").prefetch_related(
            self.sectors_with_families(), "themes", "regions"
        )

    def term_links(self, ids: list[int]) -> list[tuple]:
        """The sector and theme links of the initiatives `ids` in one query, for what they share
        with another (similarity.explain_similarity): (initiative id, sector id, its family's id,
        None) by sector name, and (initiative id, None, None, theme id)."""
        none = Value(None, output_field=models.BigIntegerField())
        sectors = self.model.sectors.through.objects.filter(initiative_id__in=ids).values_list(
            "initiative_id", "sector_id", "sector__family_id", none, "sector__name"
        )
        themes = self.model.themes.through.objects.filter(initiative_id__in=ids).values_list(
            "initiative_id", none, none, "theme_id", "theme__name"
        )
        return [row[:4] for row in sectors.union(themes, all=True).order_by("sector__name")]

    def sectors_with_families(self) -> Prefetch:
        """The sectors and each one's family in one query (for Initiative.families)."""
        sector = self.model.sectors.field.related_model
        return Prefetch("sectors", queryset=sector.objects.select_related("family"))

    def sharing_everything_abroad(self, initiative, sharing_every_sector=None):
        """The first tier of similar_to()'s ranking: initiatives in other countries that share every
        sector and theme of `initiative`, by name. Each term is an indexed semi-join, so the first
        few come without ranking every candidate (tens of thousands at 100,000 initiatives).
        `sharing_every_sector`: the few ids known to share every sector (see
        sectors_shared_with()); they stand for the sectors, and each is looked up for the themes."""
        sectors = [(self.model.sectors.through, "sector_id", s.pk) for s in initiative.sectors.all()]
        themes = [(self.model.themes.through, "theme_id", t.pk) for t in initiative.themes.all()]
        if not sectors and not themes:
            return self.none()
        matches = self.exclude(pk=initiative.pk).exclude(country=initiative.country)
        if sharing_every_sector is not None:
            matches = matches.among(sharing_every_sector)
            for through, column, pk in themes:
                matches = matches.filter(Exists(through.objects.filter(initiative_id=OuterRef("pk"), **{column: pk})))
            return matches.by_name()
        if len(sectors + themes) == 1:  # one sector, no theme (a third of the pages at 100,000)
            return matches.filter(LinkedTo(*(sectors + themes)[0])).by_name()
        for through, column, pk in sectors + themes:
            matches = matches.filter(pk__in=through.objects.filter(**{column: pk}).values("initiative_id"))
        return matches.by_name()

    def abroad_sharing_sectors(self, initiative, at_least: int = 1):
        """Initiatives in other countries sharing at least `at_least` sectors of `initiative`,
        unordered: each such set ranks above every initiative outside it in similar_to(), so its
        first places are the ranking's first places."""
        through = self.model.sectors.through
        matches = self.exclude(pk=initiative.pk).exclude(country=initiative.country)
        sector_ids = [s.pk for s in initiative.sectors.all()]
        if at_least >= len(sector_ids):  # every sector: one indexed semi-join each
            for pk in sector_ids:
                matches = matches.filter(pk__in=through.objects.filter(sector_id=pk).values("initiative_id"))
            return matches
        links = through.objects.filter(sector_id__in=sector_ids).order_by()
        if at_least > 1:  # a link per sector shared, so the links per initiative count them
            links = links.values("initiative_id").annotate(n=Count("*")).filter(n__gte=at_least)
        return matches.filter(pk__in=links.values("initiative_id"))

    def sectors_shared_with(self, initiative, at_least: int = 2) -> dict[int, int]:
        """How many sectors of `initiative` each initiative shares, for those sharing at least
        `at_least`: one grouped pass over the sector links, by any initiative (unpublished, at
        home and `initiative` itself included: the caller filters the few hundred it ranks)."""
        sector_ids = [s.pk for s in initiative.sectors.all()]
        links = self.model.sectors.through.objects.filter(sector_id__in=sector_ids).order_by()
        counts = links.values_list("initiative_id").annotate(n=Count("*")).filter(n__gte=at_least)
        return dict(counts)

    def similar_to(self, initiative):
        """Initiatives sharing a sector, a sector family or a theme with `initiative`, ranked by
        ranked_by_similarity_to()."""
        sector_ids = [s.pk for s in initiative.sectors.all()]
        family_ids = sorted({s.family_id for s in initiative.sectors.all() if s.family_id})
        theme_ids = [t.pk for t in initiative.themes.all()]
        if not sector_ids and not theme_ids:
            return self.none()
        through = self.model.sectors.through
        # Candidates first (an indexed semi-join), so the counts run only on rows that share something.
        sharing = Q(pk__in=through.objects.filter(sector__family_id__in=family_ids).values("initiative_id"))
        sharing |= Q(pk__in=through.objects.filter(sector_id__in=sector_ids).values("initiative_id"))
        sharing |= Q(pk__in=self.model.themes.through.objects.filter(theme_id__in=theme_ids).values("initiative_id"))
        return self.filter(sharing).ranked_by_similarity_to(initiative)

    def ranked_by_similarity_to(self, initiative):
        """These initiatives but `initiative`, other countries first, then the most shared sectors,
        then families, then themes, then by name. Annotates shared_sectors, shared_families,
        shared_themes and other_country. Filters nothing else: a caller that already narrowed the
        candidates (see abroad_sharing_sectors) spares the database the lists of all who share."""
        sectors = list(initiative.sectors.all())
        sector_ids = [s.pk for s in sectors]
        family_ids = sorted({s.family_id for s in sectors if s.family_id})
        theme_ids = [t.pk for t in initiative.themes.all()]
        sector_links, theme_links = self.model.sectors.through, self.model.themes.through
        return (
            self.exclude(pk=initiative.pk)
            .annotate(
                shared_sectors=LinksCounted.of(sector_links, "sector_id", sector_ids),
                shared_families=LinksCounted.of_families(sector_links, family_ids),
                shared_themes=LinksCounted.of(theme_links, "theme_id", theme_ids),
                other_country=Case(
                    When(country=initiative.country, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
            )
            .order_by("-other_country", "-shared_sectors", "-shared_families", "-shared_themes", "name_key", "pk")
        )
