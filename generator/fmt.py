"""How numbers, dates and statuses are written on a page. Deterministic, locale-independent."""

from __future__ import annotations

import math
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
    if compact and amount >= 1_000_000:
        digits = f"{amount / 1_000_000:,.1f} M"
    elif compact and amount >= 10_000:
        digits = f"{amount / 1_000:,.0f} k"
    else:
        digits = f"{amount:,.0f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


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
