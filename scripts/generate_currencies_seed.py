"""Write seeds/currencies.csv from the `iso4217` package (the ISO 4217 list).

python scripts/generate_currencies_seed.py          # rewrite the seed
python scripts/generate_currencies_seed.py --check  # exit 1 if the seed is stale
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from iso4217 import Currency

SEED_PATH = Path(__file__).resolve().parent.parent / "seeds" / "currencies.csv"
COLUMNS = ("currency_code", "currency_number", "minor_units", "currency_name")


def render() -> str:
    """The seed's exact text: one row per active ISO 4217 code, sorted by code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for currency in sorted(Currency, key=lambda c: c.code):
        minor = "" if currency.exponent is None else str(currency.exponent)
        writer.writerow((currency.code, currency.number, minor, currency.currency_name))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the seed differs")
    args = parser.parse_args(argv)
    expected = render()
    if args.check:
        current = SEED_PATH.read_text(encoding="utf-8") if SEED_PATH.exists() else ""
        if current != expected:
            print(f"{SEED_PATH} is stale: run python scripts/generate_currencies_seed.py")
            return 1
        return 0
    SEED_PATH.write_text(expected, encoding="utf-8")
    print(f"wrote {SEED_PATH} ({expected.count(chr(10)) - 1} currencies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
