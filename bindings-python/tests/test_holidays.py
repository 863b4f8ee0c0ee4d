"""The built-in public holidays (`entitlement.holidays`): every country and subdivision, date by
date, against the `holidays` package the data was generated from, for 2000-2050; lookups,
errors, and country entries in calendar documents."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import date, datetime, timedelta, timezone
from importlib import metadata

import holidays as source
import pytest

from entitlement import Calendar, ConfigError, Ruleset, holidays

FIRST, LAST = 2000, 2050


def _source_pairs(
    code: str, subdivision: str | None, first: int, last: int
) -> set[tuple[date, str]]:
    cls = type(source.country_holidays(code))
    language = "en_US" if "en_US" in getattr(cls, "supported_languages", ()) else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h = source.country_holidays(
            code, subdiv=subdivision, years=range(first, last + 1), language=language
        )
    return {(d, name) for d in h for name in h.get_list(d)}


def _everything() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for c in holidays.available():
        out.append((c.code, None))
        out.extend((c.code, s.code) for s in c.subdivisions)
    return out


def test_the_data_comes_from_the_installed_source_version() -> None:
    # The comparison below is exact only against the version the data was generated from.
    assert holidays.SOURCE_VERSION == metadata.version("holidays")


def test_at_least_forty_countries_with_the_ones_the_issue_names() -> None:
    codes = {c.code for c in holidays.available()}
    assert len(codes) >= 40
    g20 = {"AR", "AU", "BR", "CA", "CN", "DE", "FR", "GB", "ID", "IN", "IT", "JP", "KR", "MX"}
    g20 |= {"RU", "SA", "TR", "US", "ZA"}
    assert g20 | {"SG", "IL", "AE"} <= codes


def test_every_country_and_subdivision_matches_the_source_date_by_date() -> None:
    mismatched = []
    for code, subdivision in _everything():
        h = holidays.country(code, subdivision)
        first, last = max(FIRST, h.years.start), min(LAST, h.years.stop - 1)
        ours = set(h.between(date(first, 1, 1), date(last, 12, 31)))
        theirs = _source_pairs(code, subdivision, first, last)
        if ours != theirs:
            extra, missing = sorted(ours - theirs)[:3], sorted(theirs - ours)[:3]
            mismatched.append(f"{code}/{subdivision}: extra {extra}, missing {missing}")
    assert not mismatched, "\n".join(mismatched[:20])


def test_lookups_feel_like_the_holidays_package() -> None:
    by = holidays.country("DE", "BY")
    epiphany = date(2026, 1, 6)
    assert epiphany in by
    assert datetime(2026, 1, 6, 12, tzinfo=timezone.utc) in by
    assert "2026-01-06" in by
    assert by[epiphany] == "Epiphany"
    assert by.get(epiphany + timedelta(days=1)) is None
    assert by.get(epiphany + timedelta(days=1), "workday") == "workday"
    with pytest.raises(KeyError):
        by[date(2026, 1, 7)]
    assert 42 not in by
    assert by.name == "Germany, Bayern"
    assert by.to_dict() == {"country": "DE", "subdivision": "BY"}
    assert holidays.country("DE").to_dict() == {"country": "DE"}
    assert by.year(2026)[0] == (date(2026, 1, 1), "New Year's Day")
    assert by.between("2026-12-24", "2026-12-26") == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Second Day of Christmas"),
    ]


def test_two_holidays_on_one_date_are_joined_as_the_package_joins_them() -> None:
    ae = holidays.country("AE")
    d = date(2100, 12, 3)
    assert ae.names(d) == ["Eid al-Fitr (estimated)", "National Day"]
    assert ae[d] == "Eid al-Fitr (estimated); National Day"


def test_observed_days_are_closed_with_the_holiday_itself() -> None:
    us = holidays.country("US")
    # 2026-07-04 is a Saturday: both the day and Friday's observed day are listed.
    assert us[date(2026, 7, 4)] == "Independence Day"
    assert us[date(2026, 7, 3)] == "Independence Day (observed)"


def test_unknown_codes_are_config_errors_listing_what_is_known() -> None:
    with pytest.raises(ConfigError) as info:
        holidays.country("XX")
    assert info.value.code == "invalid_value"
    assert "DE" in str(info.value)
    assert "US" in str(info.value)
    with pytest.raises(ConfigError) as info:
        holidays.country("DE", "XX")
    assert "BY" in str(info.value)
    assert list(info.value.path) == ["subdivision"]


def test_dates_outside_the_covered_years_are_errors_not_guesses() -> None:
    us = holidays.country("US")
    with pytest.raises(ConfigError, match="2101"):
        date(2101, 7, 4) in us  # noqa: B015
    with pytest.raises(ConfigError):
        us.year(1999)


def test_a_calendar_closes_its_countrys_holidays_and_keeps_the_entry_as_written() -> None:
    weekdays = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    entry = holidays.country("US", "NY").to_dict()
    cal = Calendar(time_zone="America/New_York", hours=weekdays, holidays=[entry])
    thanksgiving = datetime(2026, 11, 26, 15, tzinfo=timezone.utc)
    assert not cal.is_open(thanksgiving)
    assert cal.is_open(thanksgiving + timedelta(days=1))
    assert cal.to_dict()["holidays"] == [{"country": "US", "subdivision": "NY"}]
    with pytest.raises(ConfigError) as info:
        Calendar(time_zone="UTC", hours=weekdays, holidays=[{"country": "US", "subdivision": "Q"}])
    assert list(info.value.path) == ["holidays", 0, "subdivision"]


def test_a_check_warning_names_the_documents_own_holiday_after_a_country_entry() -> None:
    hours = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}
    rules = Ruleset.from_dict(
        {
            "calendars": {
                "desk": {
                    "time_zone": "America/New_York",
                    "hours": hours,
                    # A Sunday: it closes nothing, and the warning must point at entry 1.
                    "holidays": [{"country": "US"}, {"name": "Sunday", "date": "2027-03-07"}],
                }
            },
            "processes": [
                {
                    "id": "p",
                    "calendar": "desk",
                    "milestones": [
                        {"name": "First Response", "kind": "first_response", "target": "1h"}
                    ],
                }
            ],
            "entitlements": [{"id": "e", "process": "p"}],
        }
    )
    warnings = rules.check(datetime(2026, 12, 1, tzinfo=timezone.utc))
    paths = [w.path for w in warnings if w.code == "holiday_on_closed_day"]
    assert paths == ["calendars.desk.holidays[1]"]


def test_a_plain_import_reaches_every_submodule_by_attribute() -> None:
    # A fresh interpreter: this file has imported `entitlement.holidays` already.
    code = (
        "import entitlement, sys\n"
        "assert 'entitlement.holidays' not in sys.modules\n"
        "by = entitlement.holidays.country('DE', 'BY')\n"
        "import datetime\n"
        "assert datetime.date(2026, 1, 6) in by\n"
        "assert entitlement.zendesk.export and entitlement.review.export\n"
        "try:\n"
        "    entitlement.no_such_module\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_module' in str(e)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
