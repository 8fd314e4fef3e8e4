"""The one guard against CSV formula injection, for every CSV the service writes."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """The value as CSV text that a spreadsheet program will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
