"""A Paginator whose total is counted once per catalogue version, and a forgiving page number.

Counting every matching row is the one part of a list page whose cost grows with the catalogue,
on every request. The count
only changes when the catalogue does, so it is cached under the catalogue version and the exact
SQL of the selection: the list page and the API share it for the same filters.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .cache import versioned_key

CACHE_SECONDS = 60 * 60
PAGE_SIZE = 24  # a list page's initiatives


def count_key(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()[:32]
    return versioned_key("count", digest)


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "query"):  # a plain list: nothing to save
            return super().count
        if self.object_list.query.is_empty():  # none(), e.g. a search that matched nothing: no SQL
            return 0
        key = count_key(self.object_list.order_by())
        total = cache.get(key)
        if total is None:
            total = super().count
            cache.set(key, total, CACHE_SECONDS)
        return total


class IdsFirstPaginator(CachedCountPaginator):
    """Reads a page's ids first, sorted alone, then those rows from `rows` in that order. Sorting
    a search's thousands of matches carried each whole row through the sort on PostgreSQL, and on
    SQLite read each row from the table for its sort key instead of from a narrow index."""

    def __init__(self, object_list, per_page, rows):
        super().__init__(object_list, per_page)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.page_ids(bottom, top)  # an InitiativeQuerySet's
        by_id = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        return self._get_page([by_id[pk] for pk in ids], number, self)


def paginate(queryset, page_param: str | None, count: int | None = None, rows=None):
    """The requested page, or the nearest one with a notice: page=abc and page=999 never fail.
    `count`, when the caller knows the total already, spares counting it. With `rows`, the page's
    ids are read from `queryset` and its rows from `rows` (see IdsFirstPaginator)."""
    if rows is None:
        paginator = CachedCountPaginator(queryset, PAGE_SIZE)
    else:
        paginator = IdsFirstPaginator(queryset, PAGE_SIZE, rows)
    if count is not None:
        paginator.count = count
    if page_param in (None, ""):
        return paginator.page(1), None
    try:
        number = int(page_param)
    except ValueError:
        return paginator.page(1), _("“%(page)s” is not a page number; showing the first page.") % {"page": page_param}
    if number < 1:
        return paginator.page(1), _("There is no page %(page)s; showing the first page.") % {"page": number}
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), _("There is no page %(page)s; showing page %(last)s.") % {
            "page": number,
            "last": last,
        }
    return paginator.page(number), None
