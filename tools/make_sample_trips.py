"""Write samples/ingest_bike_trips/trips-2024.csv.gz: the bike-share trips sample of the README's
tutorial "add a new source from a sample file", shaped like a city's open-data export.

Its traps: semicolons as delimiter and a station name holding one (quoted), day-first dates and
timestamps, decimal commas, empty cells, yes/no flags, accented names in Windows-1252, gzip.
Deterministic: ``python tools/make_sample_trips.py`` rewrites the same bytes.
"""

from __future__ import annotations

import gzip
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

STATIONS = (
    "Gare du Nord; sortie 2",
    "Bastille",
    "Nation",
    "République",
    "Château d'Eau",
    "Hôtel de Ville",
)
HEADER = "Trip Id;Start date;Start time;Start station;End station;Duration (min);Member;Bike"


def quoted(cell: str) -> str:
    return f'"{cell}"' if ";" in cell or '"' in cell else cell


def trips(rows: int = 1200, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = [HEADER]
    start = datetime(2024, 1, 1, 6, 0)
    for n in range(1, rows + 1):
        moment = start + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        minutes = "" if rng.random() < 0.04 else f"{rng.uniform(2, 90):.2f}".replace(".", ",")
        choices = ["yes", "no", ""] if rng.random() < 0.1 else ["yes", "no"]
        member = rng.choice(choices)
        begin, end = quoted(rng.choice(STATIONS)), quoted(rng.choice(STATIONS))
        bike = f"{'E' if rng.random() < 0.3 else 'M'}-{rng.randint(1, 999):04d}"
        lines.append(
            f"{1000 + n};{moment:%d/%m/%Y};{moment:%d/%m/%Y %H:%M};{begin};{end};{minutes};"
            f"{member};{bike}"
        )
    return gzip.compress(("\n".join(lines) + "\n").encode("cp1252"), mtime=0)


if __name__ == "__main__":
    default = "samples/ingest_bike_trips/trips-2024.csv.gz"
    target = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(trips())
    print(f"wrote {target}")
