"""The timestamp grammar is written twice, once per language: in the dbt macro
iso8601_pattern (parse_iso8601_utc's, for status changes and the reference time) and in
ingest's TIMESTAMP_RE (events; the CLI reuses it). They must accept exactly the same
texts."""

from __future__ import annotations

import re

import pytest

from ingest._sql import TIMESTAMP_RE
from tests.support import PROJECT_DIR

SAMPLES = (
    "2026-01-05",
    "2026-01-05T10:00",
    "2026-01-05T10:00:00",
    "2026-01-05 10:00:00.123456789",
    "2026-01-05t10:00:00z",
    "2026-01-05T10:00:00Z",
    "2026-01-05T10:00:00+02:00",
    "2026-01-05T10:00:00-0530",
    "2026-01-05T10:00:00+02",
    "2026-01-05T24:00:00Z",
    "2026-01-05T10:60:00Z",
    "2026-01-05T10:00:60Z",
    "2026-01-05T10:00:00.1234567890Z",
    "2026-01-05Z",
    "2026-01-05T10Z",
    "2026-01-05T10:00:00+24:00",
    "2026-01-05T10:00:00 America/New_York",
    "26-01-05",
    "2026-1-5",
    "infinity",
    "",
)


def _macro_pattern() -> str:
    text = (PROJECT_DIR / "macros" / "time" / "parse_iso8601_utc.sql").read_text(encoding="utf-8")
    match = re.search(r"macro iso8601_pattern\(\) -%\}\s*\{\{ return\('([^']+)'\) \}\}", text)
    assert match, "the regex of macros/time/parse_iso8601_utc.sql (iso8601_pattern) was not found"
    return match.group(1).replace("\\\\", "\\")  # a Jinja string literal


@pytest.mark.parametrize("sample", SAMPLES)
def test_dbt_macro_and_ingest_accept_the_same_timestamps(sample: str) -> None:
    by_macro = re.fullmatch(_macro_pattern(), sample) is not None
    by_ingest = re.fullmatch(TIMESTAMP_RE, sample) is not None
    assert by_macro == by_ingest, sample
