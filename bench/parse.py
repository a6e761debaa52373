"""Loader parse-time benchmark: dagforge vs a hand-written Python loop vs plain dag-factory YAML.

For N country-style DAGs (one PythonOperator each) it writes three DAG files that build the same
DAGs, then times each DAG file's execution the way Airflow's DAG processor does it: in a fresh
process (imports already warm), executing the file once. dagforge is timed in the steady state
(configs unchanged since the last parse: the project cache skips re-checking) and cold (a new, empty
cache: the first parse after a change), for the full parse and for the task-run parse (Airflow's
parsing context names one dag_id). Each variant's peak Python memory is traced in a separate run
(tracemalloc) so it does not slow the timed one.

Run: ``make bench-parse`` or ``.venv/bin/python bench/parse.py [--sizes 250,1000,4000]``.
Output: ``name: value`` lines, ending with ``ratio_full_vs_python_4000`` and
``ratio_task_vs_full_4000``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from countries import (
    template_file,
)  # bench/countries.py (this folder is on sys.path when run as a script)

from dagforge.mwaa.parsetime import quiet_env, time_dag_file

REPO = Path(__file__).resolve().parent.parent

PYTHON_LOOP = '''\
"""Hand-written airflow DAG loop: the baseline."""
from datetime import datetime, timedelta, timezone
from airflow.sdk import DAG
from airflow.providers.standard.operators.python import PythonOperator
from callables.who import process_country

for i in range({n}):
    code = f"C{{i:05d}}"
    default_args = {{"owner": "data-engineering",
                    "start_date": datetime(2024, 3, 1, tzinfo=timezone.utc),
                    "retries": 1, "retry_delay": timedelta(minutes=5)}}
    with DAG(f"bench_country_{{code}}", default_args=default_args, schedule="@daily", catchup=False,
             max_active_runs=1, description=f"WHO figures for {{code}}",
             tags=["who", f"country:{{code}}"]) as dag:
        PythonOperator(task_id="process_country", python_callable=process_country,
                       op_kwargs={{"country_code": code,
                                  "bucket": "{{{{ var.value.dagforge_data_bucket }}}}",
                                  "source_key": "who/WHO-COVID-19-global-data.csv",
                                  "output_prefix": "who/countries", "ds": "{{{{ ds }}}}"}})
    globals()[dag.dag_id] = dag
'''

DAGFACTORY_LOADER = '''\
"""Plain dag-factory airflow DAG loader."""
from dagfactory import load_yaml_dags
load_yaml_dags(globals(), config_filepath="{path}")
'''

DAGFORGE_LOADER = '''\
"""dagforge airflow DAG loader."""
from pathlib import Path
from dagforge.runtime.loader import load_dags
load_dags(globals(), Path(__file__).resolve().parent)
'''


def write_variants(root: Path, n: int) -> dict[str, Path]:
    """The three DAG folders for ``n`` DAGs; returns variant → DAG file."""
    codes = [f"C{i:05d}" for i in range(n)]
    folders = {name: root / f"{name}_{n}" for name in ("python", "dagfactory", "dagforge")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    (folders["python"] / "loop.py").write_text(PYTHON_LOOP.format(n=n))
    (folders["dagfactory"] / "plain.yml").write_text(_plain_yaml(codes))
    (folders["dagfactory"] / "loader.py").write_text(
        DAGFACTORY_LOADER.format(path=folders["dagfactory"] / "plain.yml")
    )
    configs = folders["dagforge"] / "dagfactory_configs"
    configs.mkdir()
    (configs / "bench.yml").write_text(template_file(codes))
    (folders["dagforge"] / "dagforge_dags.py").write_text(DAGFORGE_LOADER)
    return {
        "python": folders["python"] / "loop.py",
        "dagfactory": folders["dagfactory"] / "loader.py",
        "dagforge": folders["dagforge"] / "dagforge_dags.py",
    }


def _plain_yaml(codes: list[str]) -> str:
    head = (
        "default:\n  default_args: {owner: data-engineering, start_date: 2024-03-01, retries: 1, "
        "retry_delay: {__type__: datetime.timedelta, minutes: 5}}\n  catchup: false\n  "
        "max_active_runs: 1\n"
    )
    body = "".join(
        f"bench_country_{c}:\n  description: WHO figures for {c}\n  schedule: '@daily'\n  tags: "
        f"[who, 'country:{c}']\n  tasks:\n    - task_id: process_country\n      operator: "
        "airflow.providers.standard.operators.python.PythonOperator\n      python_callable: "
        f"callables.who.process_country\n      op_kwargs: {{country_code: {c}, bucket: '{{{{ "
        "var.value.dagforge_data_bucket }}', source_key: who/WHO-COVID-19-global-data.csv, "
        "output_prefix: who/countries, ds: '{{ ds }}'}\n"
        for c in codes
    )
    return head + body


def bench_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return quiet_env(
        home,
        {"PYTHONPATH": str(REPO), "DAGFORGE_CACHE_DIR": str(home / "parse-cache"), **(extra or {})},
    )


def run_size(root: Path, n: int, repeat: int) -> dict[str, dict[str, float]]:
    files = write_variants(root, n)
    home = root / "airflow-home"
    task = {
        "_AIRFLOW_PARSING_CONTEXT_DAG_ID": f"bench_country_C{n // 2:05d}",
        "_AIRFLOW_PARSING_CONTEXT_TASK_ID": "process_country",
    }
    fresh = iter(range(10**6))  # a new, empty parse cache per cold run

    def cold(extra: dict[str, str]) -> dict[str, str]:
        return bench_env(
            home, {**extra, "DAGFORGE_CACHE_DIR": str(root / f"cold-cache-{n}-{next(fresh)}")}
        )

    plan: dict[str, tuple[Path, Callable[[], dict[str, str]]]] = {
        "python": (files["python"], lambda: bench_env(home)),
        "dagfactory": (files["dagfactory"], lambda: bench_env(home)),
        "dagforge": (files["dagforge"], lambda: bench_env(home)),  # steady state: configs unchanged
        "dagforge_cold": (files["dagforge"], lambda: cold({})),  # the first parse after a change
        "dagforge_task": (files["dagforge"], lambda: bench_env(home, task)),
        "dagforge_task_cold": (files["dagforge"], lambda: cold(task)),
    }
    time_dag_file(
        files["dagforge"], bench_env(home)
    )  # warm-up: fills the caches the steady state reads
    results = {}
    for variant, (dag_file, make_env) in plan.items():
        runs = [time_dag_file(dag_file, make_env()) for _ in range(repeat)]
        memory = time_dag_file(dag_file, make_env(), memory=True)
        results[variant] = {
            "seconds": statistics.median(r.seconds for r in runs),
            "peak_mb": memory.peak_bytes / 1e6,
            "dags": runs[0].dags,
        }
        print(
            f"# {variant} n={n}: {results[variant]['seconds']:.3f} s, "
            f"{results[variant]['dags']:.0f} DAGs",
            file=sys.stderr,
            flush=True,
        )
    return results


def _ratio(results: dict[str, dict[str, float]], top: str, bottom: str) -> float:
    return results[top]["seconds"] / results[bottom]["seconds"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="250,1000,4000", help="comma-separated DAG counts")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per variant (median is reported)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="dagforge-bench-parse-") as tmp:
        table = {n: run_size(Path(tmp), n, args.repeat) for n in sizes}
    for n, results in table.items():
        for variant, numbers in results.items():
            print(f"{variant}_seconds_{n}: {numbers['seconds']:.4f}")
            print(f"{variant}_peak_mb_{n}: {numbers['peak_mb']:.1f}")
            print(f"{variant}_dags_{n}: {numbers['dags']:.0f}")
        print(f"ratio_dagfactory_vs_python_{n}: {_ratio(results, 'dagfactory', 'python'):.2f}")
        print(f"ratio_full_vs_python_{n}: {_ratio(results, 'dagforge', 'python'):.2f}")
        print(f"ratio_cold_full_vs_python_{n}: {_ratio(results, 'dagforge_cold', 'python'):.2f}")
        print(f"ratio_task_vs_full_{n}: {_ratio(results, 'dagforge_task', 'dagforge'):.3f}")
        print(
            f"ratio_cold_task_vs_cold_full_{n}: "
            f"{_ratio(results, 'dagforge_task_cold', 'dagforge_cold'):.3f}"
        )
    last = table[sizes[-1]]
    print(f"ratio_full_vs_python_{sizes[-1]}: {_ratio(last, 'dagforge', 'python'):.2f}")
    print(f"ratio_task_vs_full_{sizes[-1]}: {_ratio(last, 'dagforge_task', 'dagforge'):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
