"""Rows of the long lists, as their templates read them."""


class TemplateRow:
    """A list row (a dataclass) that answers the template language's first
    try at each name. `{{ row.agency }}` is looked up as `row["agency"]`
    before `row.agency`; a dataclass without item lookup raises, and the
    raising and catching for every cell took about a tenth of a fifty-row
    table's time. A name the row lacks still raises AttributeError, which the
    template language catches, as before."""

    __getitem__ = object.__getattribute__
