"""The `date` filter, quicker (issue 16): a list page writes a date or two on
every row, and Django's filter takes some 50 microseconds a date, most of it
looking up month names in the translation catalogue each time.

This filter replaces Django's in every template (TEMPLATES "builtins" in the
settings) and writes the same text: the day, month, year, hour, minute and
second codes it writes itself, with month and day names and "a.m."/"p.m." as
Django's own formatter writes them in the active language, asked once per
language. Any other code, a named format, or a value that is not a plain date
or datetime goes to Django's filter. tests/core/test_dates.py compares the two.
"""

import datetime
from functools import cache

from django import template
from django.template import defaultfilters
from django.utils import dateformat, formats
from django.utils.translation import get_language

register = template.Library()

NUMBERS = {
    "j": lambda value: str(value.day),
    "d": lambda value: f"{value.day:02d}",
    "n": lambda value: str(value.month),
    "m": lambda value: f"{value.month:02d}",
    "Y": lambda value: f"{value.year:04d}",
}
TIMES = {
    "H": lambda value: f"{value.hour:02d}",
    "G": lambda value: str(value.hour),
    "g": lambda value: str(value.hour % 12 or 12),
    "i": lambda value: f"{value.minute:02d}",
    "s": lambda value: f"{value.second:02d}",
}
NAMES = {"M", "F", "l"}
TIME_NAMES = {"a"}


@cache
def _pieces(format_string: str):
    """The format as (code, literal) pairs, or None when it has a code this
    filter leaves to Django."""
    pieces = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            if piece not in NUMBERS and piece not in TIMES and piece not in NAMES | TIME_NAMES:
                return None
            pieces.append((piece, ""))
        elif piece:
            pieces.append(("", dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


@cache
def _names(language: str) -> dict:
    """Month and day names and a.m./p.m. in `language`, as Django writes them."""
    names = {}
    for month in range(1, 13):
        day = datetime.date(2001, month, 1)
        names["M", month] = dateformat.format(day, "M")
        names["F", month] = dateformat.format(day, "F")
    for weekday in range(7):
        names["l", weekday] = dateformat.format(datetime.date(2001, 1, 1 + weekday), "l")
    for hour in (0, 12):
        names["a", hour] = dateformat.format(datetime.datetime(2001, 1, 1, hour), "a")
    return names


def _name(names, code, value):
    if code == "M" or code == "F":
        return names[code, value.month]
    if code == "l":
        return names[code, value.weekday()]
    return names[code, 12 if value.hour > 11 else 0]


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    kind = type(value)
    pieces = None
    plain = kind is datetime.date or kind is datetime.datetime
    if plain and arg is not None and arg not in formats.FORMAT_SETTINGS:
        pieces = _pieces(arg)
    if pieces is None:
        return defaultfilters.date(value, arg)
    names = None
    written = []
    for code, literal in pieces:
        if not code:
            written.append(literal)
        elif code in NUMBERS:
            written.append(NUMBERS[code](value))
        elif kind is datetime.date and (code in TIMES or code in TIME_NAMES):
            return defaultfilters.date(value, arg)  # Django refuses: the same error
        elif code in TIMES:
            written.append(TIMES[code](value))
        else:
            names = names or _names(get_language())
            written.append(_name(names, code, value))
    return "".join(written)


@register.filter(expects_localtime=True, is_safe=False)
def govuk_time(value):
    """A time as GOV.UK writes it: 9:05am, 4:46pm, midday, midnight (Django's
    "g:ia" writes "4:46p.m.", which ends a sentence with two full stops)."""
    if not isinstance(value, datetime.datetime | datetime.time):
        return ""
    if value.minute == 0 and value.hour in (0, 12):
        return "midday" if value.hour else "midnight"
    return f"{value.hour % 12 or 12}:{value.minute:02d}{'pm' if value.hour > 11 else 'am'}"
