"""Calendar arithmetic the scheme's dates need, and lengths of time in words."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


_UNITS = (
    ("year", 365 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def duration_words(seconds: int, space: str = "\xa0") -> str:
    """'8 hours', '52 weeks': the largest unit the time is a whole number of,
    else 'about' the nearest whole number of the largest unit it reaches."""
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count}{space}{unit}{'' if count == 1 else 's'}"
    unit, size = next(((u, s) for u, s in _UNITS if seconds >= s), _UNITS[-1])
    count = max(1, round(seconds / size))
    return f"about {count}{space}{unit}{'' if count == 1 else 's'}"
