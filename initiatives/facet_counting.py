"""How many initiatives carry each value of a facet: the counting verbs of InitiativeQuerySet
(FacetCountsMixin), over a queryset's initiatives, among given ids (a search's matches, read with
their facet rows: initiatives.search_facets), or of the whole catalogue from the counts the
database keeps (FacetCount, initiatives.facet_table); and the terms' ids spelt as the query string
spells them."""

from django.db import connections, models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from . import facet_table, search_facets

# Facet name (the query-string parameter) -> what it counts. One value per initiative: a column,
# or a foreign key (counted by key, then spelt as its term's slug).
FACET_FIELDS = {"country": "country", "kind": "kind", "program": "program", "route": "route", "status": "status"}
# Several values per initiative: the relation, counted on its link table.
FACET_RELATIONS = {"region": "regions", "sector": "sectors", "theme": "themes"}
# How the query string spells a term (and so its counts): a region by its code, others by slug.
TERM_KEYS = {"region": "code"}


class FacetCountsMixin:
    """The facet-count verbs, for a QuerySet of initiatives."""

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
