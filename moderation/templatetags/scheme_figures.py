"""Figures on the staff dashboard and calibration pages."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.8125 -> "81%"; None -> "–"."""
    if value is None:
        return "–"
    return f"{round(value * 100)}%"


@register.filter
def decimals(value, places: int = 3) -> str:
    """A statistic to `places` decimals with a true minus sign; None -> "–"."""
    if value is None:
        return "–"
    return f"{value:.{int(places)}f}".replace("-", "−")


@register.filter
def signed(value, places: int = 2) -> str:
    """A difference with its sign: +0.25, −0.50."""
    if value is None:
        return "–"
    text = f"{value:+.{int(places)}f}"
    return text.replace("-", "−")
