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
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from . import facet_rows, facet_table, search_facets, search_fts, search_index, search_table
from .link_counts import LinkedTo, LinksCounted
from .page_ids import IdAmong, PageIdsMixin, WordSimilarity, name_sort_key
from .text import fold, search_terms

# Facet name (the query-string parameter) -> what it counts. One value per initiative: a column,
# or a foreign key (counted by key, then spelt as its term's slug).
FACET_FIELDS = {"country": "country", "kind": "kind", "program": "program", "route": "route", "status": "status"}
# Several values per initiative: the relation, counted on its link table.
FACET_RELATIONS = {"region": "regions", "sector": "sectors", "theme": "themes"}
# How the query string spells a term (and so its counts): a region by its code, others by slug.
TERM_KEYS = {"region": "code"}
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


class InitiativeQuerySet(PageIdsMixin, FoldedSearchQuerySet):
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

    def facet_counts(self, facet: str) -> dict[str, int]:
        """How many of these initiatives carry each value of a facet, in one grouped query:
        {'BR': 12, 'CO': 3} for 'country', {'rota-do-mel': 4} for 'route'…"""
        if facet in FACET_FIELDS:
            return self.single_valued_facet_counts([facet])[facet]
        return self._spelt(facet, self._link_counts(facet))

    def facet_counts_among(
        self, facets: list[str], ids: list[int], chosen: dict[str, set] | None = None, found: list[tuple] | None = None
    ) -> dict[str, dict[str, int]]:
        """facet_counts() of `facets` over the initiatives `ids`, which must be rows of this
        queryset already (e.g. its search_ids()), each facet under the `chosen` values of the
        other facets ({"country": {"BR"}, "sector": {3}}: the values as stored, a term's id): one
        read of the matches' facet rows for all of them (search_facets), unless `found` holds them
        already (search_matches())."""
        if not ids:
            return {facet: {} for facet in facets}
        return self._spelt_all(search_facets.facet_counts(ids, facets, chosen or {}, self.db, found))

    def single_valued_facet_counts(self, facets: list[str]) -> dict[str, dict[str, int]]:
        """facet_counts() of several one-value facets (country, kind, status, program, route) at
        once: one grouped query over their combinations, summed here, instead of one scan of the
        selection each (a search scans every row's text). Grouped by the foreign keys themselves:
        joining each row to its programme and Rota for their slugs cost more than the count."""
        fields = [FACET_FIELDS[facet] for facet in facets]
        totals = {facet: {} for facet in facets}
        rows = self.order_by().values(*fields).annotate(n=Count("*")).values_list(*fields, "n")
        for *values, n in rows:
            for facet, key in zip(facets, values, strict=True):
                totals[facet][key] = totals[facet].get(key, 0) + n
        return {facet: self._spelt(facet, counts) for facet, counts in totals.items()}

    def catalogue_facet_counts(self, facets: list[str], within=None) -> dict[str, dict[str, int]]:
        """facet_counts() of every published initiative, whatever this queryset selects: read from
        the counts the database keeps as the catalogue changes (FacetCount, initiatives.facet_table),
        a few hundred rows instead of counting 100,000 initiatives and their links. `within`:
        values of one of facet_table.SCOPES (country codes, or kinds), for the published
        initiatives having one of them: the sums of each value's kept counts (an initiative has
        one country and one kind, so none is counted twice)."""
        stored = self.model._meta.apps.get_model("initiatives", "FacetCount").objects
        names = {facet: facet for facet in facets}
        if within is not None:
            names = {facet_table.within(facet, value): facet for facet in facets for value in within}
        counts = {facet: {} for facet in facets}
        for name, value, n in stored.filter(facet__in=list(names), n__gt=0).values_list("facet", "value", "n"):
            facet = names[name]
            key = int(value) if facet in facet_table.ID_FACETS else value
            counts[facet][key] = counts[facet].get(key, 0) + n
        return self._spelt_all(counts)

    def ids_having(self, chosen: dict[str, set]) -> list[models.QuerySet]:
        """Subqueries (one column of ids) whose intersection is the initiatives having one of the
        `chosen` values (as stored) of each facet, as the FilterSet's filters select them: the
        one-value facets together over the published initiatives (one index holds them all),
        each relation from its link table alone, drafts too (only published initiatives have a
        facet row)."""
        columns = {FACET_FIELDS[facet]: list(values) for facet, values in chosen.items() if facet in FACET_FIELDS}
        found = []
        if columns:
            published = self.model.objects.published()
            found.append(
                published.filter(**{f"{column}__in": values for column, values in columns.items()}).values("pk")
            )
        for facet, values in chosen.items():
            if facet == "family":
                links = self.model.sectors.through.objects.filter(sector__family_id__in=list(values))
                found.append(links.values("initiative_id"))
            elif facet not in FACET_FIELDS:
                links = getattr(self.model, FACET_RELATIONS[facet]).through.objects
                found.append(links.filter(**{f"{facet}_id__in": list(values)}).values("initiative_id"))
        return found

    def catalogue_chosen_counts(self, chosen: dict[str, set]) -> dict[str, int]:
        """For each facet of `chosen` ({"country": {"BR"}, "sector": {3}}: values as stored, a
        term's id), at most how many published initiatives have one of its values: the sum of
        their kept counts (exact for a one-value facet; of a relation, an initiative holding two
        of the values counts twice)."""
        stored = self.model._meta.apps.get_model("initiatives", "FacetCount").objects
        wanted = Q(pk__in=[])
        for facet, values in chosen.items():
            wanted |= Q(facet=facet, value__in=[str(value) for value in values])
        sums = dict.fromkeys(chosen, 0)
        for facet, n in stored.filter(wanted).values_list("facet", "n"):
            sums[facet] += n
        return sums

    def catalogue_total(self, within=None) -> int:
        """How many initiatives are published (having one of the values `within`, if given: see
        catalogue_facet_counts), from the same kept counts."""
        stored = self.model._meta.apps.get_model("initiatives", "FacetCount").objects
        if within is None:
            return stored.filter(facet=facet_table.TOTAL).values_list("n", flat=True).first() or 0
        names = [facet_table.within(facet_table.TOTAL, value) for value in within]
        return sum(stored.filter(facet__in=names).values_list("n", flat=True))

    def recounted_facet_counts(self, facets: list[str]) -> dict[str, dict[str, int]]:
        """catalogue_facet_counts() counted from the initiatives themselves (what the kept counts
        must always equal): the one-value facets in one scan of a narrow index of the published
        rows (initiative_published_facets); each relation's links counted by term on the link
        table's own index, less the drafts' links (drafts are few: a partial index finds them)."""
        one_valued = [facet for facet in facets if facet in FACET_FIELDS]
        counts = self.model.objects.published().single_valued_facet_counts(one_valued) if one_valued else {}
        drafts = self.model.objects.drafts()
        for facet in facets:
            if facet not in FACET_FIELDS:
                every = self._link_counts(facet, every_link=True)
                for term, n in drafts._link_counts(facet).items():
                    every[term] -= n
                counts[facet] = self._spelt(facet, {term: n for term, n in every.items() if n})
        return counts

    def _link_counts(self, facet: str, every_link: bool = False) -> dict[int, int]:
        """{term id: how many of these initiatives have it} for a many-valued facet, in one grouped
        query; with `every_link`, of every initiative, read from the link table's own index."""
        relation = "sectors" if facet == "family" else FACET_RELATIONS[facet]
        links = getattr(self.model, relation).through.objects.order_by()
        if facet == "family":
            # An initiative with two sectors of one family counts once for it.
            if every_link:
                rows = links.filter(sector__family__isnull=False).values_list("sector__family_id")
                return dict(rows.annotate(n=Count("initiative_id", distinct=True)))
            # From these initiatives to their links: from the sectors, the plan read every link.
            rows = self.order_by().values_list("sectors__family_id").annotate(n=Count("pk", distinct=True))
            return {family: n for family, n in rows if family is not None}
        if not every_link:
            # Without COUNT(DISTINCT): each (initiative, term) link is unique; at 100,000
            # initiatives DISTINCT took a second.
            links = links.filter(initiative_id__in=self.order_by().values("pk"))
        return dict(links.values_list(f"{facet}_id").annotate(n=Count("*")))

    def _spelt(self, facet: str, counts: dict) -> dict[str, int]:
        """Counts by value as the query string spells them: a term's id becomes its slug (a
        region's code), in one query of the whole vocabulary; empty values (no programme) are
        left out. The vocabularies are small (the regions, the largest, about 560 rows): the
        whole catalogue counts nearly every term, and an IN list of hundreds of ids cost six
        times reading the whole table (most of it building the SQL)."""
        return self._spelt_all({facet: counts})[facet]

    def _spelt_all(self, counts: dict[str, dict]) -> dict[str, dict[str, int]]:
        """_spelt() of several facets ({facet: {value: n}}), their vocabularies read in one
        statement (a UNION ALL): one query each cost about 0.3 ms of Python, six of them a search."""
        counts = {
            facet: {value: n for value, n in values.items() if value not in (None, "")}
            for facet, values in counts.items()
        }
        spelt = [facet for facet, values in counts.items() if values and self._vocabulary(facet) is not None]
        if not spelt:
            return counts
        parts, params = [], []
        for place, facet in enumerate(spelt):
            keys = self._vocabulary(facet).objects.order_by().values_list("pk", TERM_KEYS.get(facet, "slug"))
            sql, keys_params = keys.query.sql_with_params()
            parts.append(f"SELECT {place}, term.* FROM ({sql}) term")
            params += keys_params
        keys = {facet: {} for facet in spelt}
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for place, pk, key in cursor.fetchall():
                keys[spelt[place]][pk] = key
        for facet in spelt:
            found = keys[facet]
            counts[facet] = {found[pk]: n for pk, n in counts[facet].items() if pk in found}
        return counts

    def _vocabulary(self, facet: str):
        """The model of a facet's terms (None for a country, a kind, a status)."""
        if facet == "family":
            return self.model.sectors.field.related_model.family.field.related_model
        return self.model._meta.get_field(FACET_RELATIONS.get(facet) or FACET_FIELDS[facet]).related_model

    def catalogue_headline_figures(self) -> dict[str, int]:
        """headline_figures() of every published initiative, from the counts the database keeps."""
        stored = self.model._meta.apps.get_model("initiatives", "FacetCount").objects
        facets = [facet_table.TOTAL, facet_table.MEMBERS, facet_table.MEMBERS_STATED, "country", "kind"]
        rows = {
            (facet, value): n
            for facet, value, n in stored.filter(facet__in=facets, n__gt=0).values_list("facet", "value", "n")
        }
        return {
            "initiatives": rows.get((facet_table.TOTAL, ""), 0),
            "countries": sum(1 for facet, _value in rows if facet == "country"),
            "members": rows.get((facet_table.MEMBERS, ""), 0),
            "members_stated": rows.get((facet_table.MEMBERS_STATED, ""), 0),
            "rotas_polos": rows.get(("kind", "rotas_polo"), 0),
        }

    def headline_figures(self) -> dict[str, int]:
        """The home page's figures in one query: initiatives, countries, firms or producers, Rotas polos.
        Few initiatives state their members: `members_stated` says how many the sum covers."""
        figures = self.order_by().aggregate(
            initiatives=Count("pk"),
            countries=Count("country", distinct=True),
            members=Coalesce(Sum("member_count"), 0),
            members_stated=Count("pk", filter=Q(member_count__isnull=False)),
            rotas_polos=Count("pk", filter=Q(kind="rotas_polo")),
        )
        return figures

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
