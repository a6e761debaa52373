"""Deterministic WHO-format COVID-19 daily data, with the real file's traps.

Columns: ``Date_reported, Country_code, Country, WHO_region, New_cases, Cumulative_cases,
New_deaths, Cumulative_deaths``. Traps reproduced: Namibia's code ``NA``; an "Other" row set with
an empty code; weekly reporting in the recent period (``New_*`` empty on the other days);
occasional negative corrections. ``Cumulative_*`` always equals the running sum of ``New_*``.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product
from string import ascii_uppercase

from callables.who import COLUMNS

FIRST_DAY = date(2020, 1, 3)

# (code, name, WHO region): real entries of the WHO file; Namibia ("NA") and Norway ("NO") are
# traps.
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("AR", "Argentina", "AMRO"),
    ("AU", "Australia", "WPRO"),
    ("BD", "Bangladesh", "SEARO"),
    ("BR", "Brazil", "AMRO"),
    ("CA", "Canada", "AMRO"),
    ("CL", "Chile", "AMRO"),
    ("CN", "China", "WPRO"),
    ("CO", "Colombia", "AMRO"),
    ("DE", "Germany", "EURO"),
    ("EG", "Egypt", "EMRO"),
    ("ES", "Spain", "EURO"),
    ("ET", "Ethiopia", "AFRO"),
    ("FR", "France", "EURO"),
    ("GB", "United Kingdom of Great Britain and Northern Ireland", "EURO"),
    ("GH", "Ghana", "AFRO"),
    ("ID", "Indonesia", "SEARO"),
    ("IN", "India", "SEARO"),
    ("IR", "Iran (Islamic Republic of)", "EMRO"),
    ("IT", "Italy", "EURO"),
    ("JP", "Japan", "WPRO"),
    ("KE", "Kenya", "AFRO"),
    ("KR", "Republic of Korea", "WPRO"),
    ("MA", "Morocco", "EMRO"),
    ("MX", "Mexico", "AMRO"),
    ("NA", "Namibia", "AFRO"),
    ("NG", "Nigeria", "AFRO"),
    ("NL", "Netherlands (Kingdom of the)", "EURO"),
    ("NO", "Norway", "EURO"),
    ("NZ", "New Zealand", "WPRO"),
    ("PE", "Peru", "AMRO"),
    ("PH", "Philippines", "WPRO"),
    ("PK", "Pakistan", "EMRO"),
    ("PL", "Poland", "EURO"),
    ("RU", "Russian Federation", "EURO"),
    ("SA", "Saudi Arabia", "EMRO"),
    ("SE", "Sweden", "EURO"),
    ("TH", "Thailand", "SEARO"),
    ("TR", "Türkiye", "EURO"),
    ("US", "United States of America", "AMRO"),
    ("VN", "Viet Nam", "WPRO"),
    ("ZA", "South Africa", "AFRO"),
)
OTHER = ("", "Other", "OTHER")  # the WHO file's international conveyances: no country code
WEEKLY_FROM = (
    0.7  # share of the period after which countries report weekly (New_* empty on other days)
)


@dataclass(frozen=True)
class Spec:
    """What to generate: ``countries`` areas (the "Other" group included) over ``days`` days."""

    countries: int = len(COUNTRIES) + 1
    days: int = 120
    seed: int = 20200103

    @classmethod
    def for_rows(cls, rows: int, countries: int, seed: int = 20200103) -> Spec:
        return cls(countries=countries, days=max(1, -(-rows // countries)), seed=seed)


def areas(count: int) -> list[tuple[str, str, str]]:
    """``count`` areas: the real list first, then "Other", then synthetic two-letter codes."""
    chosen = [*COUNTRIES, OTHER][:count]
    used = {code for code, _, _ in chosen}
    synthetic = ("".join(p) for p in product(ascii_uppercase, repeat=2) if "".join(p) not in used)
    regions = ("AFRO", "AMRO", "EMRO", "EURO", "SEARO", "WPRO")
    while len(chosen) < count:
        code = next(synthetic)
        chosen.append((code, f"Area {code}", regions[len(chosen) % len(regions)]))
    return chosen


def rows(spec: Spec) -> Iterator[tuple[str, ...]]:
    """Every data row, ordered by country then date, as CSV-ready strings."""
    rng = random.Random(spec.seed)
    for code, name, region in areas(spec.countries):
        yield from _country_rows(rng, spec.days, code, name, region)


def _country_rows(
    rng: random.Random, days: int, code: str, name: str, region: str
) -> Iterator[tuple[str, ...]]:
    scale = rng.uniform(5, 5000)
    cum_cases = cum_deaths = pending_cases = pending_deaths = 0
    weekly_from = int(days * WEEKLY_FROM)
    for day in range(days):
        cases = max(0, int(rng.gauss(scale, scale / 3)))
        deaths = max(0, int(cases * rng.uniform(0.001, 0.02)))
        if rng.random() < 0.003 and cum_deaths > 10:
            deaths = -rng.randint(1, min(cum_deaths, 50))  # a negative correction
        pending_cases, pending_deaths = pending_cases + cases, pending_deaths + deaths
        reported = day < weekly_from or day % 7 == 6 or day == days - 1
        new_cases = new_deaths = ""
        if reported:
            cum_cases, cum_deaths = cum_cases + pending_cases, cum_deaths + pending_deaths
            new_cases, new_deaths = str(pending_cases), str(pending_deaths)
            pending_cases = pending_deaths = 0
        day_text = (FIRST_DAY + timedelta(days=day)).isoformat()
        yield (day_text, code, name, region, new_cases, str(cum_cases), new_deaths, str(cum_deaths))


def csv_bytes(spec: Spec) -> bytes:
    """The whole file as UTF-8 CSV bytes, byte-identical for the same spec."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(spec))
    return buffer.getvalue().encode("utf-8")
