"""S3 callables benchmark: the WHO split family against one full read per country, in the local S3.

Starts a moto server on loopback (stopped at the end), uploads a real-size WHO-format file
(``Spec.for_rows(450_000, 237)``, about 21 MB) and an empty object, then runs each measurement in
a fresh subprocess, so each has its own peak memory: the RSS high-water mark of its first run above
the process's level just before it (sampled every 2 ms; pyarrow's memory is invisible to
tracemalloc). Times are the median of the repeats.
The S3 hook (about 0.1-0.2 s to build) is built before timing in every measurement alike and
reported apart.

Run: ``make bench-s3`` or ``.venv/bin/python bench/s3.py [--seed-countries N]``.
Output: ``name: value`` lines, ending with the four ratios the issue sets goals for.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dagforge.demo import sampledata  # noqa: E402
from dagforge.demo.s3local import moto_server  # noqa: E402
from dagforge.mwaa import localairflow  # noqa: E402

BUCKET = "dagforge-bench"
SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"
EMPTY_KEY = "bench/empty"
SPLIT_PREFIX = "who/split"
DS = "2024-03-01"


# ---- inside a measurement subprocess
# ---------------------------------------------------------------


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Sample this process's RSS while the block runs; ``result['peak_mb']`` is the rise above the
    start.
    """
    import psutil

    process, result, done = psutil.Process(), {"peak_mb": 0.0}, threading.Event()
    start = process.memory_info().rss
    peak = [start]

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], process.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        done.set()
        thread.join()
        peak[0] = max(peak[0], process.memory_info().rss)
        result["peak_mb"] = (peak[0] - start) / 1e6


def _codes(hook: Any) -> list[str]:
    from callables import s3 as s3io

    index = json.loads(s3io.get(hook, BUCKET, f"{SPLIT_PREFIX}/date={DS}/_SUCCESS"))
    return [code for code in index["countries"] if code]  # "Other" has no code: no country DAG


def _full_read(engine: str | None) -> Callable[[Any], None]:
    def run(hook: Any) -> None:
        import pandas as pd

        from callables import s3 as s3io

        options = {"engine": engine} if engine else {}
        pd.read_csv(io.BytesIO(s3io.get(hook, BUCKET, SOURCE_KEY)), **options)

    return run


def _seed_all(limit: int) -> Callable[[Any], None]:
    """The walkthrough's callable, per country: download, parse (pandas defaults), filter, write
    back.

    It filters by code here (the walkthrough's name-vs-code bug would select nothing).
    """

    def run(hook: Any) -> None:
        import pandas as pd

        from callables import s3 as s3io

        for code in _codes(hook)[:limit]:
            frame = pd.read_csv(io.BytesIO(s3io.get(hook, BUCKET, SOURCE_KEY)))
            rows = frame.rename(columns={"Country_code": "country"})
            rows = rows[rows["country"] == code]
            s3io.put(
                hook,
                BUCKET,
                f"bench/seed/count_death_{code}.csv",
                rows.to_csv(index=False).encode(),
            )

    return run


def _process_country(hook: Any) -> None:
    from callables import who

    who.process_country("NA", BUCKET, SOURCE_KEY, "bench/filter", DS)


def _split_all(workers: int) -> Callable[[Any], None]:
    def run(hook: Any) -> None:
        from callables import who_split

        who_split.split_countries(BUCKET, SOURCE_KEY, SPLIT_PREFIX, DS)
        codes = _codes(hook)
        if workers == 1:
            for code in codes:
                who_split.country_from_split(code, BUCKET, SPLIT_PREFIX, "bench/split", DS)
            return
        with ThreadPoolExecutor(workers) as pool:
            list(
                pool.map(
                    lambda c: who_split.country_from_split(
                        c, BUCKET, SPLIT_PREFIX, "bench/split", DS
                    ),
                    codes,
                )
            )

    return run


def _split_only(hook: Any) -> None:
    from callables import who_split

    who_split.split_countries(BUCKET, SOURCE_KEY, SPLIT_PREFIX, DS)


def _one_country(hook: Any) -> None:
    from callables import who_split

    who_split.country_from_split("NA", BUCKET, SPLIT_PREFIX, "bench/one", DS)


def _minimal_get(hook: Any) -> None:
    from callables import s3 as s3io

    s3io.get(hook, BUCKET, EMPTY_KEY)


def measurements(seed_countries: int) -> dict[str, tuple[Callable[[Any], None], int]]:
    """name -> (work, repeats); the median of the repeats is reported."""
    return {
        "full_read_pandas_default": (_full_read(None), 3),
        "full_read_pandas_pyarrow": (_full_read("pyarrow"), 3),
        "seed_all_countries": (_seed_all(seed_countries), 1),
        "process_country_one": (_process_country, 3),
        "split_only": (_split_only, 3),
        "split_plus_all_countries": (_split_all(1), 1),
        "split_plus_all_countries_2_workers": (_split_all(2), 1),
        "one_country": (_one_country, 15),
        "minimal_get": (_minimal_get, 50),
    }


def measure(name: str, seed_countries: int) -> dict[str, float]:
    """Run one measurement in this process (a fresh subprocess); JSON-able figures."""
    import pandas  # noqa: F401  (imports before the timed part: they are not what we measure)
    import pyarrow.compute
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401

    from callables import s3 as s3io

    started = time.perf_counter()
    hook = s3io.hook()
    _minimal_get(hook)  # builds the client and opens the connection
    setup = time.perf_counter() - started
    work, repeats = measurements(seed_countries)[name]
    times, peaks = [], []
    for _ in range(repeats):
        with peak_rss() as memory:
            began = time.perf_counter()
            work(hook)
            times.append(time.perf_counter() - began)
        peaks.append(memory["peak_mb"])
    # Memory of the first run: a fresh process, as a task's is; later runs reuse what it left.
    return {"seconds": statistics.median(times), "peak_mb": peaks[0], "hook_setup_s": setup}


# ---- the driver
# ------------------------------------------------------------------------------------


def _child(name: str, env: dict[str, str], seed_countries: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", name, "--seed-countries", str(seed_countries)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measurement {name} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _seed_bucket() -> tuple[int, int]:
    from callables import s3 as s3io
    from callables import who_split

    hook = s3io.hook()
    hook.create_bucket(bucket_name=BUCKET)
    data = sampledata.csv_bytes(sampledata.Spec.for_rows(450_000, 237))
    s3io.put(hook, BUCKET, SOURCE_KEY, data)
    s3io.put(hook, BUCKET, EMPTY_KEY, b"")
    who_split.split_countries(
        BUCKET, SOURCE_KEY, SPLIT_PREFIX, DS
    )  # so seed and one_country find the index
    return len(data), data.count(b"\n") - 1


def run(seed_countries: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="dagforge-bench-s3-"))
    localairflow.configure(localairflow.airflow_env(home, REPO / "dags"))
    with moto_server() as s3:
        os.environ.update(s3.connection_env())
        size, rows = _seed_bucket()
        print(
            f"file_rows: {rows}\nfile_mb: {size / 1e6:.1f}\nendpoint: {s3.endpoint_url}", flush=True
        )
        results: dict[str, dict[str, float]] = {}
        for name in measurements(seed_countries):
            print(f"# measuring {name} ...", file=sys.stderr, flush=True)
            results[name] = _child(name, dict(os.environ), seed_countries)
        report(results, size, seed_countries)


def report(results: dict[str, dict[str, float]], size: int, seed_countries: int) -> None:
    countries = 236  # two-letter codes in the file (237 areas, "Other" included)
    seed = results["seed_all_countries"]["seconds"] * countries / min(seed_countries, countries)
    for name, figures in results.items():
        print(f"{name}_s: {figures['seconds']:.4f}")
        print(f"{name}_peak_mb: {figures['peak_mb']:.1f}")
    print(f"hook_setup_s: {statistics.median(r['hook_setup_s'] for r in results.values()):.3f}")
    print(f"countries: {countries}")
    if seed_countries < countries:
        print(
            f"seed_all_countries_extrapolated_s: {seed:.2f}  # measured {seed_countries} countries"
        )
    full_read = min(
        results["full_read_pandas_default"]["seconds"],
        results["full_read_pandas_pyarrow"]["seconds"],
    )
    floor = full_read + countries * results["minimal_get"]["seconds"]
    ours = results["split_plus_all_countries"]["seconds"]
    print(f"floor_all_countries_s: {floor:.3f}  # fastest full read + one minimal GET per country")
    print(
        "ratio_all_countries_vs_floor_2_workers: "
        f"{results['split_plus_all_countries_2_workers']['seconds'] / floor:.2f}"
    )
    peak = max(
        results[n]["peak_mb"] for n in ("split_only", "split_plus_all_countries", "one_country")
    )
    print(f"ratio_all_countries_vs_seed: {ours / seed:.3f}")
    print(f"ratio_all_countries_vs_floor: {ours / floor:.2f}")
    print(f"ratio_one_country_vs_one_read: {results['one_country']['seconds'] / full_read:.3f}")
    print(f"peak_mem_vs_file_size: {peak * 1e6 / size:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seed-countries",
        type=int,
        default=236,
        help="countries the seed-style run reads the file for (default: all 236)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.seed_countries)))
    else:
        run(args.seed_countries)


if __name__ == "__main__":
    main()
