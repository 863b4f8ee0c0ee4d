"""Generates entitlement-core/src/holidays/data.txt, the built-in public holidays, from the
`holidays` package (https://github.com/vacanza/holidays, MIT licence).

    python scripts/holidays/generate.py            # rewrite the data file
    python scripts/holidays/generate.py --check    # fail when the data file is stale

For every country of COUNTRIES and each of its subdivisions (and the country alone), the
package's default-category holidays of the years FIRST..LAST are grouped by name. Each name's
dates are fitted, run of years by run of years, to a rule the engine computes (a fixed month and
day, the n-th or last weekday of a month, an offset from Western Easter), with the run's years as
bounds; dates that no rule of at least MIN_RUN years fits (lunar, Islamic, Hebrew, Hindu and
Chinese calendar dates, one-off days, observed days) are kept as a table of dates.

The engine closes exactly the dates the package lists: a holiday's own date and, where the
package adds one, its "(observed)" day (docs/holidays.md). Names are the package's English
(`en_US`) names where the country has them, else its default language.

Regenerate each year (or when the package releases): bump the pinned `holidays` version in
bindings-python/tests/requirements.txt and bindings-python/scripts/test.sh, run this script, and
run the comparison test (bindings-python/tests/test_holidays.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import holidays
from holidays.registry import COUNTRIES as REGISTRY

FIRST = 2000
LAST = 2100
MIN_RUN = 3

# Every G20 member (the EU's members among them), India, Singapore, Israel, the UAE, Brazil and
# Mexico, the rest of the EU, and Switzerland, Norway, New Zealand, the Philippines.
COUNTRIES = [
    # G20
    "AR", "AU", "BR", "CA", "CN", "DE", "FR", "GB", "ID", "IN", "IT", "JP", "KR", "MX", "RU",
    "SA", "TR", "US", "ZA",
    # Others named in the issue
    "AE", "IL", "SG",
    # The rest of the EU
    "AT", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    # Europe beyond the EU, and Asia-Pacific
    "CH", "NO", "NZ", "PH",
]  # fmt: skip

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "entitlement-core" / "src" / "holidays" / "data.txt"


def language(cls: type) -> str | None:
    """The language the names are generated in (the comparison test uses the same choice)."""
    return "en_US" if "en_US" in getattr(cls, "supported_languages", ()) else None


def country_name(code: str) -> str:
    for entry in REGISTRY.values():
        if entry[1] == code:
            return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", entry[0])
    raise SystemExit(f"unknown country {code}")


def easter(year: int) -> dt.date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def candidates(d: dt.date) -> list[tuple[object, ...]]:
    """The rules that give `d` in its year, most readable first."""
    out: list[tuple[object, ...]] = [("F", d.month, d.day)]
    out.append(("N", d.month, d.weekday(), (d.day - 1) // 7 + 1))
    if (d + dt.timedelta(days=7)).month != d.month:
        out.append(("N", d.month, d.weekday(), -1))
    offset = (d - easter(d.year)).days
    if -100 <= offset <= 100:
        out.append(("E", offset))
    return out


def fit(dates: list[dt.date]) -> list[tuple[object, ...]]:
    """Rules (with year bounds) and one table of the dates no rule fits."""
    by_year: dict[int, list[dt.date]] = defaultdict(list)
    for d in dates:
        by_year[d.year].append(d)
    rules: list[tuple[object, ...]] = []
    table: list[dt.date] = []
    year = FIRST
    while year <= LAST:
        if len(by_year.get(year, [])) != 1:
            table.extend(by_year.get(year, []))
            year += 1
            continue
        live = candidates(by_year[year][0])
        end = year
        while end + 1 <= LAST and len(by_year.get(end + 1, [])) == 1:
            nxt = set(candidates(by_year[end + 1][0]))
            keep = [c for c in live if c in nxt]
            if not keep:
                break
            live = keep
            end += 1
        if end - year + 1 >= MIN_RUN:
            rules.append((*live[0], year, end))
        else:
            for y in range(year, end + 1):
                table.extend(by_year[y])
        year = end + 1
    out = rules
    if table:
        out.append(("T", *sorted(table)))
    return out


def entry_line(name: str, rule: tuple[object, ...]) -> str:
    if rule[0] == "T":
        # The first date as days since FIRST-01-01, then the gaps between dates: compact.
        days = [(d - dt.date(FIRST, 1, 1)).days for d in rule[1:]]  # type: ignore[operator]
        gaps = [days[0]] + [b - a for a, b in itertools.pairwise(days)]
        return f"H\t{name}\tT\t{','.join(map(str, gaps))}"
    return "\t".join(["H", name, *(str(x) for x in rule)])


def holiday_lists(code: str, subdiv: str | None) -> dict[str, list[dt.date]]:
    cls = type(holidays.country_holidays(code))
    first, last = max(FIRST, cls.start_year), min(LAST, cls.end_year)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = holidays.country_holidays(
            code, subdiv=subdiv, years=range(first, last + 1), language=language(cls)
        )
    by_name: dict[str, list[dt.date]] = defaultdict(list)
    for d in sorted(h):
        for name in h.get_list(d):
            by_name[name].append(d)
    return by_name


def generate() -> str:
    pool: dict[str, int] = {}
    lines: list[str] = []
    body: list[str] = []

    def ids(by_name: dict[str, list[dt.date]]) -> str:
        out = []
        for name in sorted(by_name):
            if "\t" in name or "\n" in name:
                raise SystemExit(f"a holiday name with a tab or newline: {name!r}")
            for rule in fit(sorted(set(by_name[name]))):
                line = entry_line(name, rule)
                if line not in pool:
                    pool[line] = len(pool)
                    lines.append(line)
                out.append(str(pool[line]))
        return ",".join(out)

    for code in sorted(COUNTRIES):
        cls = type(holidays.country_holidays(code))
        first, last = max(FIRST, cls.start_year), min(LAST, cls.end_year)
        national = ids(holiday_lists(code, None))
        body.append(f"C\t{code}\t{country_name(code)}\t{first}\t{last}\t{national}")
        aliases = {v: k for k, v in getattr(cls, "subdivisions_aliases", {}).items()}
        for sub in cls.subdivisions:
            name = aliases.get(sub, sub)
            body.append(f"S\t{sub}\t{name}\t{ids(holiday_lists(code, sub))}")
    header = [
        "# Built-in public holidays. GENERATED by scripts/holidays/generate.py: do not edit.",
        (
            f"# Source: the `holidays` package {holidays.__version__}"
            " (https://github.com/vacanza/holidays), MIT licence."
        ),
        (
            "# Lines: V version first last | H name kind fields (F month day y0 y1; N month weekday"
            " nth y0 y1; E easter-offset y0 y1; T days from first-01-01 to the first date, then gaps) |"
            " C code name first-year last-year ids |"
            " S code name ids."
        ),
        f"V\t{holidays.__version__}\t{FIRST}\t{LAST}",
    ]
    return "\n".join(header + lines + body) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--check", action="store_true", help="fail when the data file is stale"
    )
    args = parser.parse_args()
    text = generate()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(
                f"{OUT.relative_to(REPO)} is stale: run python scripts/holidays/generate.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
