"""How the hub writes figures: money with 2 decimals and its currency code, counts as
integers, instants in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

CENT = Decimal("0.01")


def money(amount: Any, currency: str | None) -> str:
    """`1,234.50 EUR`: the amount rounded half up to cents, then its ISO 4217 code; an
    empty text when there is no amount."""
    if amount is None or (isinstance(amount, float) and pd.isna(amount)):
        return ""
    value = Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value:,.2f} {currency or ''}".rstrip()


def money_column(amounts: Iterable[Any], currencies: Iterable[str | None]) -> list[str]:
    """`money` of each amount in the currency of the same row."""
    return [money(amount, currency) for amount, currency in zip(amounts, currencies, strict=True)]


def money_list(amounts: Iterable[tuple[str, Any]]) -> str:
    """Several currencies: `2,961.58 USD · 307.98 CAD`; `-` when there is none."""
    shown = [money(amount, currency) for currency, amount in amounts]
    return " · ".join(text for text in shown if text) or "-"


def count(value: Any) -> str:
    """`1,234`."""
    return f"{int(value):,}"


def share(value: float | None) -> str:
    """`73.1 %`, or `-` when there is nothing to divide."""
    return "-" if value is None else f"{value * 100:.1f} %"


def utc(value: Any) -> str:
    """`2026-11-14 19:57 UTC`, or `-`."""
    if value is None or pd.isna(value):
        return "-"
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M} UTC"


def utc_seconds(value: Any) -> str:
    """`2026-11-14T19:57:57.238Z`: an event's instant, exactly, in UTC."""
    if value is None or pd.isna(value):
        return "-"
    stamp = pd.Timestamp(value)
    text = f"{stamp:%Y-%m-%dT%H:%M:%S}"
    if stamp.microsecond:
        text += f".{stamp.microsecond:06d}".rstrip("0")
    return text + "Z"
