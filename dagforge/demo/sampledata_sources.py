"""Deterministic landed files for the per-source ingestion demo
(``dagfactory_configs/sources.yml``).

Three sources of different shapes: ``orders`` (CSV), ``web_events`` (JSON lines) and
``inventory`` (CSV). Each landing for a logical date also carries rows of the two days before
(late arrivals), so partitioning by the date column is visible. Some cells are empty (nulls).
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

LandedFile = tuple[str, bytes]  # (file name, content)


def _day(ds: date, rng: random.Random) -> date:
    return ds - timedelta(days=rng.choice((0, 0, 0, 1, 2)))


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def orders(ds: date, rows: int, rng: random.Random) -> LandedFile:
    header = ["order_id", "customer_id", "order_date", "amount", "currency", "status"]
    body = [
        [
            str(ds.toordinal() * 10_000 + i),
            str(rng.randint(1, 500)),
            _day(ds, rng).isoformat(),
            "" if rng.random() < 0.05 else f"{rng.uniform(-20, 900):.2f}",  # refunds are negative
            rng.choice(("EUR", "USD", "GBP")),
            rng.choice(("placed", "shipped", "returned")),
        ]
        for i in range(rows)
    ]
    return "orders.csv", _csv(header, body)


def web_events(ds: date, rows: int, rng: random.Random) -> LandedFile:
    lines = []
    for i in range(rows):
        day = _day(ds, rng)
        moment = datetime.combine(
            day, time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
        )
        lines.append(
            json.dumps(
                {
                    "event_id": f"{ds:%Y%m%d}-{i:06d}",
                    "user_id": rng.randint(1, 2000),
                    "event_time": moment.isoformat() + "Z",
                    "event_date": day.isoformat(),
                    "page": rng.choice(("/", "/search", "/item", "/cart", "/checkout")),
                    "is_mobile": None if rng.random() < 0.03 else rng.random() < 0.6,
                },
                sort_keys=True,
            )
        )
    return "events.jsonl", ("\n".join(lines) + "\n").encode("utf-8")


def inventory(ds: date, rows: int, rng: random.Random) -> LandedFile:
    header = ["sku", "warehouse", "snapshot_date", "on_hand", "reserved"]
    body = [
        [
            f"SKU-{i % 97:04d}",
            rng.choice(("AMS", "FRA", "DUB")),
            _day(ds, rng).isoformat(),
            str(rng.randint(-5, 400)),
            "" if rng.random() < 0.1 else str(rng.randint(0, 50)),
        ]
        for i in range(rows)
    ]
    return "inventory.csv", _csv(header, body)


GENERATORS: dict[str, Callable[[date, int, random.Random], LandedFile]] = {
    "orders": orders,
    "web_events": web_events,
    "inventory": inventory,
}


def landed_file(source: str, ds: date, rows: int = 300, seed: int = 20240301) -> LandedFile:
    """``(file name, bytes)`` landed for ``source`` on ``ds``; identical for the same arguments."""
    rng = random.Random(f"{seed}:{source}:{ds.isoformat()}")
    return GENERATORS[source](ds, rows, rng)
