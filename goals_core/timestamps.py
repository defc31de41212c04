"""Instants as the warehouse keeps them (naive UTC): the clock, ISO 8601 text parsed with
ingest's grammar, and UTC text with a `Z`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta


def utc_now() -> datetime:
    """The current instant as a naive UTC datetime (the warehouse's convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _utc_seconds(value: datetime) -> tuple[datetime, str]:
    """`value` as naive UTC, and its text in ISO 8601 to the second (`YYYY-MM-DDTHH:MM:SS`)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value, value.strftime("%Y-%m-%dT%H:%M:%S")


def format_utc(value: datetime | None) -> str:
    """ISO 8601 in UTC with a `Z`; fractions of a second only when there are some."""
    if value is None:
        return ""
    value, text = _utc_seconds(value)
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def format_utc_fixed(value: datetime | None) -> str:
    """ISO 8601 in UTC with a `Z` and always milliseconds (a fixed width for columns:
    `2026-11-24T09:30:00.000Z`); microseconds when the value has some below a millisecond."""
    if value is None:
        return ""
    value, text = _utc_seconds(value)
    if value.microsecond % 1000:
        return text + f".{value.microsecond:06d}Z"
    return text + f".{value.microsecond // 1000:03d}Z"


def parse_iso8601_utc(text: str) -> datetime | None:
    """An ISO 8601 text as a naive UTC datetime, or None when it does not parse.

    The grammar is ingest's (ingest._sql.TIMESTAMP_RE, the same as
    macros/time/parse_iso8601_utc.sql): `YYYY-MM-DD`, optionally `T`/space and
    `HH:MM[:SS[.f]]`, optionally `Z` or an offset; without an offset the text is UTC.
    """
    from ingest._sql import TIMESTAMP_RE

    match = re.fullmatch(TIMESTAMP_RE, text.strip())
    if match is None or match[1].startswith("0000"):
        return None
    date_part, time_part, zone = match[1], match[2] or "00:00", (match[3] or "Z").upper()
    clock = time_part.split(":")
    second, _, fraction = (clock[2] if len(clock) > 2 else "0").partition(".")
    try:
        value = datetime.strptime(date_part, "%Y-%m-%d").replace(
            hour=int(clock[0]),
            minute=int(clock[1]),
            second=int(second),
            microsecond=int(fraction.ljust(6, "0")[:6]),
        )
    except ValueError:
        return None
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        value -= sign * offset
    return value
