"""Correlated counts over an initiative's link tables (its sectors, its themes) for the ranking of
similar initiatives: one count per link table, so that two joined tables never multiply rows.
Written as SQL: built as ORM subqueries, the ranking's three counts cost about 3 ms of CPU to
assemble and compile, each time, as much as the database's work on them."""

from django.db.models import Expression, IntegerField, Value


class LinksCounted(Expression):
    """(SELECT <counted> FROM <links> WHERE initiative_id = <the row's id> [AND <column> IN ids])."""

    output_field = IntegerField()

    def __init__(self, links, counted: str, column: str = "", ids=(), params=()):
        super().__init__()
        self.links, self.counted, self.column, self.ids, self.params = links, counted, column, list(ids), list(params)

    @classmethod
    def of(cls, links, column: str, ids):
        """How many of the terms `ids` each initiative is linked to (0 without any)."""
        if not ids:
            return Value(0, output_field=IntegerField())
        return cls(links, "COUNT(*)", column, ids)

    @classmethod
    def of_families(cls, sector_links, family_ids):
        """How many of the families `family_ids` each initiative has a sector of. Each family's
        sectors are an uncorrelated subquery, read once per statement: joining the sectors inside the
        count made PostgreSQL hash the sector table again for every candidate."""
        if not family_ids:
            return Value(0, output_field=IntegerField())
        sectors = sector_links._meta.get_field("sector").related_model._meta.db_table
        family_of_link = " ".join(
            f'WHEN link."sector_id" IN (SELECT "id" FROM "{sectors}" WHERE "family_id" = %s) THEN %s'
            for _pk in family_ids
        )
        params = [pk for pk in family_ids for _twice in range(2)]
        return cls(sector_links, f"COUNT(DISTINCT CASE {family_of_link} END)", params=params)

    def as_sql(self, compiler, connection):
        # The row's table under its alias in this query (relabelled when it is a subquery).
        outer = compiler.quote_name_unless_alias(compiler.query.base_table)
        pk = connection.ops.quote_name(compiler.query.model._meta.pk.column)
        links = connection.ops.quote_name(self.links._meta.db_table)
        sql = f'(SELECT {self.counted} FROM {links} link WHERE link."initiative_id" = {outer}.{pk}'
        if self.column:
            sql += f' AND link."{self.column}" IN ({", ".join(["%s"] * len(self.ids))})'
        return sql + ")", (*self.params, *self.ids)
