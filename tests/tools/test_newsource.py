"""dagforge new source: a sample in, a commented, validated instance and a kept sample out."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from dagforge.tools.newsource import new_source
from tests.support.scaffolding import cli, copy_configs

SAMPLE = 'Ref;Date;Amount;Note\n1;28/02/2024;12,50;"a; b"\n2;01/03/2024;;\n3;01/03/2024;7,25;c\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_configs(tmp_path)


def test_new_source_from_a_sample(project: Path, tmp_path: Path) -> None:
    sample = tmp_path / "payments export.csv.gz"
    sample.write_bytes(gzip.compress(SAMPLE.encode("latin-1")))
    made = new_source(project, "payments", sample)
    assert made.dag_id == "ingest_payments" and made.fields["file"] == "payments-export.csv.gz"
    assert made.fields["format"] == "csv delimiter=semicolon compression=gzip"
    assert made.fields["columns"].splitlines() == [
        "ref: int64 required from=Ref",
        "date: date required format=%d/%m/%Y from=Date",
        "amount: float64 decimal=, from=Amount",
        "note: string from=Note",
    ]
    text = made.config.read_text()
    assert "      # ingest_payments: inferred by dagforge new source" in text
    assert text.splitlines()[made.line - 1] == "      - source: payments"
    assert made.sample_kept == project / "samples" / "ingest_payments" / "payments-export.csv.gz"
    validated = cli("validate", cwd=project)
    assert validated.returncode == 0, validated.stdout


def test_new_source_dry_run_writes_nothing(project: Path, tmp_path: Path) -> None:
    sample = tmp_path / "p.csv"
    sample.write_text(SAMPLE)
    before = (project / "dagfactory_configs" / "sources.yml").read_text()
    done = cli("new", "source", "payments", "--sample", str(sample), "--dry-run", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingest_payments: not written (--dry-run)\ninferred from")
    assert "  amount  float64 decimal=, from=Amount" in done.stdout
    assert (project / "dagfactory_configs" / "sources.yml").read_text() == before
    assert not (project / "samples").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Payments", SAMPLE, "is not lower_snake_case"),
        ("orders", SAMPLE, "dag_id 'ingest_orders' is already defined"),
        ("ragged", "a;b\n1;2\n3;4;5\n", "the sample does not meet the contract inferred from it"),
    ],
)
def test_new_source_refusals(
    project: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    sample = tmp_path / "s.csv"
    sample.write_text(content)
    before = (project / "dagfactory_configs" / "sources.yml").read_text()
    done = cli("new", "source", name, "--sample", str(sample), cwd=project)
    assert done.returncode in (1, 2) and message in done.stderr
    assert (project / "dagfactory_configs" / "sources.yml").read_text() == before
