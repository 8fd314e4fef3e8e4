"""List rows answer the template language's item lookup (qualitymark.core.rows):
a template shows such a row exactly as it shows the same dataclass without it."""

from dataclasses import dataclass

import pytest
from django.template import engines

from qualitymark.core.rows import TemplateRow


@dataclass(frozen=True)
class Plain:
    name: str
    count: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.count})"

    def shout(self) -> str:
        return self.name.upper()

    @property
    def broken(self) -> str:
        raise AttributeError("a bug inside a property")


@dataclass(frozen=True)
class Row(TemplateRow, Plain):
    pass


SOURCE = (
    "{{ row.name }}|{{ row.count|add:1 }}|{{ row.label }}|{{ row.shout }}|"
    "[{{ row.missing }}]|{% if row.count > 2 %}many{% endif %}"
)


def _render(source, row):
    return engines["django"].from_string(source).render({"row": row})


def test_a_row_shows_as_the_same_dataclass_without_item_lookup():
    shown = _render(SOURCE, Row("Tyneside & Vale", 3))
    assert shown == _render(SOURCE, Plain("Tyneside & Vale", 3))
    assert shown == "Tyneside &amp; Vale|4|Tyneside &amp; Vale (3)|TYNESIDE &amp; VALE|[]|many"


def test_an_error_inside_a_property_is_raised_as_before():
    for row in (Row("a", 1), Plain("a", 1)):
        with pytest.raises(AttributeError, match="a bug inside a property"):
            _render("{{ row.broken }}", row)


def test_item_lookup_reads_the_attribute():
    row = Row("a", 1)
    assert row["name"] == "a" and row["label"] == "a (1)"
    with pytest.raises(AttributeError):
        row["missing"]
