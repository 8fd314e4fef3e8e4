"""Paging long lists at a cost that does not grow with the data behind them."""

from django.core.paginator import Paginator
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

PAGE_SIZE = 50
# Rows counted past the start of the page asked for. A list longer than this
# says "more than" instead of counting every row on every request.
COUNT_LIMIT = 1000
# A page number past this is taken as this one (a larger one overflowed the
# database's LIMIT, and no list here has fifty million rows).
MAX_PAGE = 1_000_000


class BoundedPaginator(Paginator):
    """A paginator of a queryset that counts at most `limit` rows past the start of the page
    asked for. When there are more, `more` is true and `count_shown` reads
    "More than 1,000": the next pages are still reachable, each counting on
    from where it starts."""

    def __init__(self, object_list, per_page=PAGE_SIZE, *, limit=None, read_ahead=False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # Never less than a page, or the page asked for would be cut short.
        self.limit = max(COUNT_LIMIT if limit is None else limit, self.per_page)
        # Read the rows up to the bound instead of counting them, and show
        # the page from those: one query fewer, for a short `limit`.
        self.read_ahead = read_ahead
        self.more = False
        self._asked = 1
        self._read: tuple[int, list] | None = None

    def get_page(self, number):
        try:
            self._asked = min(max(1, int(number)), MAX_PAGE)
        except (TypeError, ValueError):
            self._asked = 1
        return super().get_page(self._asked)

    @cached_property
    def count(self) -> int:
        """Rows up to one past the bound: that one more row is what makes the
        next page reachable when the list goes on. Only the key is selected,
        so the database can drop the joins that only the shown columns need."""
        start = (self._asked - 1) * self.per_page
        bound = start + self.limit
        if self.read_ahead:
            rows = list(self.object_list[start : bound + 1])
            if rows or not start:  # past the end, the count finds the last page
                self._read = (start, rows)
                self.more = len(rows) > self.limit
                return start + len(rows)
        counted = self.object_list.order_by().values("pk")[: bound + 1].count()
        self.more = counted > bound
        return counted

    def page(self, number):
        number = self.validate_number(number)
        if self._read and self._read[0] == (number - 1) * self.per_page:
            return self._get_page(self._read[1][: self.per_page], number, self)
        return super().page(number)

    @property
    def count_shown(self) -> str:
        return f"More than {self.count - 1:,}" if self.more else str(self.count)


def bounded_page(request, rows, per_page=PAGE_SIZE, *, limit=None, read_ahead=False):
    """The page of `rows` the request asks for (?page=), counting at most
    `limit` rows past its start (COUNT_LIMIT unless said)."""
    paginator = BoundedPaginator(rows, per_page, limit=limit, read_ahead=read_ahead)
    return paginator.get_page(request.GET.get("page"))


def correlated_count(rows, *, by: str) -> Coalesce:
    """A count of `rows` (already tied to an OuterRef on `by`), worked out only
    for the rows on the page: a join and GROUP BY would count for every row
    before the page is cut."""
    return Coalesce(Subquery(rows.order_by().values(by).annotate(n=Count("pk")).values("n")), 0)
