"""The second pipeline, as a new user adds it: a real-world-shaped file, ``dagforge new source``,
``validate``, ``dagforge run --land`` in real Airflow, and raw/ read back by pandas and pyarrow.
Every step is the CLI in its own process, as a user runs it."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from tests.conftest import REPO

ORDERS = (
    "Order No.;Ordered on;Shipped at;Customer;Amount (EUR);Express\n"
    '5001;28/02/2024;29/02/2024 17:05;"Smith; John";19,90;yes\n'
    "5002;01/03/2024;;Müller;;no\n"
    '5003;01/03/2024;02/03/2024 09:30;"O\'Brien";7,50;\n'
    "5004;01/03/2024;02/03/2024 11:00;Durand;120,00;no\n"
)


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dagforge", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of its own (configs and the loader DAG file), so the repository is not edited."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "dagfactory_configs", root / "dagfactory_configs")
    shutil.copytree(REPO / "dags", root / "dags", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture(scope="module")
def sample(project: Path) -> Path:
    path = project / "shop-orders-2024-03-01.csv.gz"
    path.write_bytes(gzip.compress(ORDERS.encode("utf-8")))
    return path


@pytest.fixture(scope="module")
def added(project: Path, sample: Path) -> subprocess.CompletedProcess[str]:
    return _cli(project, "new", "source", "shop_orders", "--sample", str(sample))


def test_new_source_infers_and_validates(
    added: subprocess.CompletedProcess[str], project: Path
) -> None:
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(
        "ingest_shop_orders: appended to dagfactory_configs/sources.yml:"
    )
    assert re.search(
        r"\n  ordered_on +date required format=%d/%m/%Y from='Ordered on' ", added.stdout
    )
    assert re.search(
        r"\n  shipped_at +timestamp format='%d/%m/%Y %H:%M' from='Shipped", added.stdout
    )
    assert "  format       csv delimiter=semicolon compression=gzip\n" in added.stdout
    validated = _cli(project, "validate")
    assert validated.returncode == 0 and "no problems" in validated.stdout


def test_run_lands_the_file_and_raw_reads_back(
    added: subprocess.CompletedProcess[str], project: Path, sample: Path
) -> None:
    out = project / "out"
    done = _cli(
        project,
        "run",
        "ingest_shop_orders",
        "--land",
        str(sample),
        "--date",
        "2024-03-01",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingest_shop_orders: success (")
    assert "landed " in done.stderr and "[1/1] ingest_shop_orders: success" in done.stderr
    dataset = out / "raw" / "shop_orders"
    frame = pd.read_parquet(dataset)
    table = pads.dataset(dataset, partitioning="hive").to_table()
    assert len(frame) == table.num_rows == 4
    assert {name: str(frame[name].dtype) for name in ("order_no", "shipped_at", "amount_eur")} == {
        "order_no": "int64",
        "shipped_at": "datetime64[us, UTC]",
        "amount_eur": "float64",
    }
    assert table.schema.field("ordered_on").type == pa.date32()  # month partitions keep the date
    rows = table.sort_by("order_no").to_pylist()
    assert rows[0]["customer"] == "Smith; John" and rows[0]["amount_eur"] == 19.9
    assert rows[1]["amount_eur"] is None and rows[1]["shipped_at"] is None
    assert [r["express"] for r in rows] == [True, False, None, False]


def test_a_bad_file_fails_in_one_run_with_its_error_on_stderr(
    added: subprocess.CompletedProcess[str], project: Path
) -> None:
    bad = project / "bad.csv.gz"
    bad.write_bytes(gzip.compress(ORDERS.replace("01/03/2024;;Mü", "31/02/2024;;Mü").encode()))
    conf = '{"file_name": "late-orders.csv.gz"}'  # the conf moves the landing and the task alike
    done = _cli(
        project,
        "run",
        "ingest_shop_orders",
        "--land",
        str(bad),
        "--date",
        "2024-03-01",
        "--conf",
        conf,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert "ingest_shop_orders ended failed (failed: landing_to_raw)" in done.stderr
    assert "date=2024-03-01/late-orders.csv.gz: contract violated" in done.stderr
    assert "ContractError: " in done.stderr and "line 3: '31/02/2024'" in done.stderr
    assert "--- the end of its log ---" in done.stderr


def test_run_names_what_it_cannot_do(project: Path, sample: Path) -> None:
    unknown = _cli(project, "run", "ingest_shop_ordrs")
    assert unknown.returncode == 2 and "did you mean 'ingest_shop_orders'" in unknown.stderr
    nothing_to_land = _cli(
        project, "run", "who_country_AU", "--land", str(sample), "--date", "2024-03-01"
    )
    assert nothing_to_land.returncode == 2
    assert "who_country_AU declares no input to land a file on" in nothing_to_land.stderr
