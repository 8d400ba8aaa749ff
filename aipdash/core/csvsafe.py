"""CSV cells that a spreadsheet opens as text, never as a formula (CSV formula injection).

A text cell starting with = + - @, a tab or a carriage return is prefixed with an apostrophe,
the OWASP advice. Numbers are left alone: a negative amount stays a number.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise[T](value: T) -> T | str:
    """`value` unchanged unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
