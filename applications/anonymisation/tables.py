"""Rows of a table, as text extraction writes them: cells joined by " | " (or tabs), or a
table pasted as comma-separated values under a heading row ("child_id,first_name,dob").

A row labelled as a name ("Child's name | Amelia Jones") gives its value away, and under a
heading row with a date-of-birth or name column every row's cell in that column does, unless
the table is a list of staff (it has a role or job title column).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .kinds import DATE_OF_BIRTH, PERSON_NAME, Finding
from .lexicon import STAFF_ROLES

CELL_SEPARATOR = re.compile(r"[ ]*\|[ ]*|\t")
COMMA = re.compile(r"[ ]*,[ ]*")
MINIMUM_CSV_COLUMNS = 3
MAXIMUM_CSV_LINE = 500
# A comma-separated heading row names its columns as a data file does ("first_name", "dob"),
# not with family words alone, which a sentence has too.
CSV_HEADING = re.compile(r"name|forename|surname|d\.?o\.?b|birth", re.IGNORECASE)
NAME_LABEL = re.compile(
    r"(?:(?:child|baby|birth[ ]+mother|birth[ ]+father|mother|father|adopter|carer|foster[ ]+carer"
    r"|sibling|parent)['’]?s?[ ]+)?(?:full[ ]+|first[ ]+|given[ ]+|family[ ]+|last[ ]+)?"
    r"(?:name|names|forename|forenames|surname)(?:[ ]+of[ ]+child)?|child|baby|mother|father"
    r"|birth[ ]+mother|birth[ ]+father|adopters?|carers?",
    re.IGNORECASE,
)
DOB_LABEL = re.compile(r"d\.?o\.?b\.?|date[ ]+of[ ]+birth|birth[ ]?date|born", re.IGNORECASE)
STAFF_COLUMN = re.compile(r"role|job[ ]+title|position|post|title|team", re.IGNORECASE)
DATE_LIKE = re.compile(r"\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{1,2}[ ]+[A-Za-z]{3,9}[ ]+\d{4}")
ANONYMISED = re.compile(
    r"(?:child|baby|sibling|adopter|carer|parent|mother|father)[ ]+[A-Z0-9]|[A-Z]|n/?a|-+|–|none"
    r"|not[ ]+known|unknown|redacted|\[.*\]",
    re.IGNORECASE,
)
LINE = re.compile(r"[^\n]+")
# A cell that is a person by initials: "R. Akhtar", "M.J. Byrne".
INITIALLED_NAME = re.compile(r"(?:[A-Z]\.[ ]?){1,3}[ ]?[A-Z][a-z'’-]+")
ROLE_CELL = re.compile(r"(?i:.*\b(?:" + "|".join(re.escape(r) for r in STAFF_ROLES) + r")\b.*)")


def _cells(line: re.Match[str], separators: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of each cell of a line, trimmed."""
    spans, position = [], line.start()
    for separator in [*separators.finditer(line.string, line.start(), line.end()), None]:
        end = separator.start() if separator else line.end()
        spans.append((position, end))
        position = separator.end() if separator else end
    text = line.string
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        trimmed.append((start, end))
    return trimmed


def _value_finding(text: str, kind: str, start: int, end: int) -> Finding | None:
    value = text[start:end]
    if not value or ANONYMISED.fullmatch(value):
        return None
    if kind == DATE_OF_BIRTH:
        date = DATE_LIKE.search(value)
        if date is None:
            return None
        return Finding(kind, start + date.start(), start + date.end(), date.group())
    if not re.search(r"[A-Za-z]{2}", value) or DOB_LABEL.fullmatch(value):
        return None
    return Finding(kind, start, end, value)


def _heading_columns(text: str, cells: list[tuple[int, int]]) -> dict[int, str]:
    labels = [text[start:end].replace("_", " ") for start, end in cells]
    if any(STAFF_COLUMN.fullmatch(label) for label in labels):
        return {}
    columns = {}
    for index, label in enumerate(labels):
        if DOB_LABEL.fullmatch(label):
            columns[index] = DATE_OF_BIRTH
        elif NAME_LABEL.fullmatch(label):
            columns[index] = PERSON_NAME
    return columns


def find_in_table_rows(text: str) -> Iterator[Finding]:
    if "|" in text or "\t" in text:
        yield from _rows(text, CELL_SEPARATOR)
    elif "," in text and "\n" in text:
        yield from _rows(text, COMMA, headed_only=True)


def _may_be_csv(line: re.Match[str], under_heading: bool) -> bool:
    """A row of a data file is short; a heading row names its columns. Prose paragraphs
    with commas are passed over before being cut into cells."""
    if line.end() - line.start() > MAXIMUM_CSV_LINE:
        return False
    return under_heading or CSV_HEADING.search(line.string, line.start(), line.end()) is not None


def _rows(
    text: str, separators: re.Pattern[str], *, headed_only: bool = False
) -> Iterator[Finding]:
    """With `headed_only` (commas, which prose has too) only the rows under a heading row
    that names a name or date-of-birth column, with as many cells, are read."""
    columns: dict[int, str] = {}
    width = 0
    previous_end = -1
    for line in LINE.finditer(text):
        if text[previous_end + 1 : line.start()].strip() == "" and line.start() > previous_end + 1:
            columns = {}  # a blank line ends a table
        previous_end = line.end()
        if headed_only and not _may_be_csv(line, bool(columns)):
            columns = {}
            continue
        cells = _cells(line, separators)
        if len(cells) < 2 or (headed_only and columns and len(cells) != width):
            columns = {}
            continue
        heading = _heading_columns(text, cells)
        # A heading row's line names a column (_may_be_csv); it must also have enough cells.
        if headed_only and not (columns or (heading and len(cells) >= MINIMUM_CSV_COLUMNS)):
            continue
        if (
            not headed_only
            and len(heading) == 1
            and len(cells) == 2
            and 0 in heading
            and 1 not in heading
        ):
            # A label and its value: "Child's name | Amelia Jones", "DOB | 22/02/2023".
            if found := _value_finding(text, heading[0], *cells[1]):
                yield found
            continue
        if heading:
            columns, width = heading, len(cells)
            continue
        if not any(ROLE_CELL.fullmatch(text[start:end]) for start, end in cells):
            for start, end in cells:
                if INITIALLED_NAME.fullmatch(text[start:end]):
                    yield Finding(PERSON_NAME, start, end, text[start:end])
        for index, kind in columns.items():
            if index < len(cells) and (found := _value_finding(text, kind, *cells[index])):
                yield found
