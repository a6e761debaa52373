"""Contract arguments checked by the callable's own grammar, reported at the exact line."""

from __future__ import annotations

from pathlib import Path

from dagforge.project import load_project
from tests.conftest import REPO

SOURCES = (REPO / "dagfactory_configs" / "sources.yml").read_text(encoding="utf-8")


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    report = load_project([path], tmp_path).report
    return [f"{p.line}:{p.code}:{p.message}|{p.hint}" for p in report.sorted()]


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_shipped_sources_are_clean(tmp_path: Path) -> None:
    assert _problems(tmp_path, SOURCES) == []


def test_a_bad_column_is_reported_at_its_own_line_in_the_block(tmp_path: Path) -> None:
    text = SOURCES.replace("          amount: float64\n", "          amount: float\n")
    [problem] = _problems(tmp_path, text)
    assert problem == (
        f"{_line(text, 'amount: float')}:contract-unknown-type:column 'amount' has unknown type "
        "'float' (in ingest_orders)|did you mean 'float64'?"
    )


def test_each_instance_reports_its_own_lines(tmp_path: Path) -> None:
    text = SOURCES.replace("page: string", "page: strng").replace(
        "partition_key: snapshot_date", "partition_key: on_hand"
    )
    assert [p.split(":", 2)[:2] for p in _problems(tmp_path, text)] == [
        [str(_line(text, "page: strng")), "contract-unknown-type"],
        [str(_line(text, "partition_key: on_hand")), "contract-partition"],
    ]


def test_a_template_level_mistake_is_reported_once(tmp_path: Path) -> None:
    text = SOURCES.replace('file_format: "{format}"', 'file_format: "{format} heder=false"')
    problems = _problems(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(
        f"{_line(text, 'heder=false')}:contract-unknown-option:unknown file option 'heder=false'"
    )


def test_values_filled_at_run_time_are_not_judged(tmp_path: Path) -> None:
    text = SOURCES.replace('columns: "{columns}"', 'columns: "{{ params.columns }}"')
    assert _problems(tmp_path, text) == []


def test_unknown_partition_granularity_names_the_choices(tmp_path: Path) -> None:
    text = SOURCES.replace('partition: "{partition}"', "partition: weekly").replace(
        'description: "Partition granularity"', "description: x"
    )
    problems = _problems(tmp_path, text)
    assert len(problems) == 1 and "unknown partition 'weekly'" in problems[0]
