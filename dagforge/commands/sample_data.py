"""``dagforge sample-data``: write a deterministic WHO-format CSV (demo size or real size)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.demo import sampledata

DESCRIPTION = (
    "Write deterministic WHO COVID-19 daily data. Default: the demo size. Real size for "
    "benchmarks: --rows 450000 --countries 237."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, required=True, help="CSV file to write ('-' for stdout)"
    )
    parser.add_argument("--rows", type=int, default=None, help="about this many rows in all")
    parser.add_argument(
        "--countries",
        type=int,
        default=sampledata.Spec.countries,
        help="number of areas, 'Other' included (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=sampledata.Spec.seed, help="random seed")


def run(args: argparse.Namespace) -> int:
    spec = (
        sampledata.Spec.for_rows(args.rows, args.countries, args.seed)
        if args.rows
        else sampledata.Spec(countries=args.countries, seed=args.seed)
    )
    data = sampledata.csv_bytes(spec)
    if str(args.out) == "-":
        sys.stdout.buffer.write(data)
    else:
        args.out.write_bytes(data)
        rows = data.count(b"\n") - 1
        print(
            f"wrote {args.out}: {rows} rows, {spec.countries} areas, {len(data) / 1e6:.1f} MB",
            file=sys.stderr,
        )
    return 0
