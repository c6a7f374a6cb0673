"""How numbers, dates and statuses are written on a page. Deterministic, locale-independent."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .markup import Constant, Markup, tag

if TYPE_CHECKING:
    import datetime as dt

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
NA = "n/a"


def missing(value: Any) -> bool:
    """No value to show: None, NaN, or a quotient that overflowed (never written as `inf`)."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value: Any, currency: str, compact: bool = False) -> str:
    if missing(value):
        return NA
    amount = float(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    symbol = CURRENCY_SYMBOLS.get(currency)
    digits = _compact(amount) if compact else f"{amount:,.0f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


# Compact units, smallest first: (size, unit, decimals). An amount takes the first unit whose rounded value stays
# below 1,000, so that 999,950,000 reads "1.0 bn", never "1,000.0 M".
_UNITS = ((Decimal(1_000), "k", 0), (Decimal(1_000_000), "M", 1), (Decimal(1_000_000_000), "bn", 1))


def _compact(amount: float) -> str:
    """A non-negative amount as people write it: 9,999 in full, then 12 k, 1.2 M, 494.2 bn (rounded half up)."""
    if amount < 10_000:
        return f"{amount:,.0f}"
    exact = Decimal(amount)  # a float's exact value: the rounding at a boundary is the decimal one
    with localcontext(prec=400):  # room for every digit of the largest float
        for size, unit, decimals in _UNITS:
            scaled = (exact / size).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
            if scaled < 1_000 or unit == "bn":
                return f"{scaled:,.{decimals}f} {unit}"
    raise AssertionError("unreachable: the last unit takes any amount")


def number(value: Any, decimals: int = 0) -> str:
    if missing(value):
        return NA
    text = f"{float(value):,.{decimals}f}"
    return text.replace("-", "−") if text.startswith("-") else text


def ratio(value: Any) -> str:
    return NA if missing(value) else f"{float(value):.2f}"


def percent(value: Any, decimals: int = 0) -> str:
    return NA if missing(value) else f"{float(value):.{decimals}f} %"


def date(value: dt.date | None) -> str:
    return "—" if value is None else value.isoformat()


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month(value: str) -> str:
    """A "YYYY-MM" month as "Oct 2026"."""
    return f"{_MONTH_ABBR[int(value[5:7]) - 1]} {value[:4]}"


def days(value: Any) -> str:
    """A signed day count: "+12 d" late, "−3 d" early, "0 d" on time."""
    if missing(value):
        return NA
    n = int(value)
    return f"+{n} d" if n > 0 else (f"−{-n} d" if n < 0 else "0 d")


RAG_NONE = tag("span", NA, class_="pmo-rag pmo-rag-none")


def rag(value: Any, title: Constant | None = None) -> Markup:
    """A RAG badge: colored, and spelled out so it does not rely on color alone; `title` a constant."""
    return RAG_NONE if missing(value) else _badge(str(value), title)


@lru_cache(maxsize=64, typed=True)
def _badge(name: str, title: Constant | None) -> Markup:
    return tag("span", name.capitalize(), class_=f"pmo-rag pmo-rag-{name}", title=title)


def phase(value: str) -> str:
    return value.replace("-", " ").capitalize()


@lru_cache(maxsize=1024, typed=True)  # a few reasons, most of them constants, on every page
def na(reason: str | Markup) -> Markup:
    """An undefined KPI, with its reason on hover and for screen readers: visible text that pmo.css shows
    only on hover, never a title (the theme shows a title as HTML, and the reason may be data text)."""
    return tag("span", NA, tag("span", " (", reason, ")", class_="pmo-na-why"), class_="pmo-na")


def beside_threshold(kpi: str, value: float, limit: float) -> str:
    """A KPI compared with its threshold: days as a number; a ratio to two decimals, or as many more as it takes
    not to look equal to the threshold (0.949 is below 0.95, "0.95" would say it is not)."""
    if missing(value):
        return NA
    if kpi == "slip_days":
        return number(value)
    for decimals in (2, 3, 4):
        text = f"{value:.{decimals}f}"
        if value == limit or text != f"{limit:.{decimals}f}":
            break
    return text
