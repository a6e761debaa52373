"""Batches of runs: names, accounting, timing figures, and the project copy the tests run."""

from __future__ import annotations

from pathlib import Path

import yaml

from dagforge.mwaa import batch
from dagforge.mwaa.batch import RunRef, Tally
from tests.conftest import REPO


def test_runs_go_date_by_date_with_fixed_run_ids() -> None:
    runs = batch.runs_of(["a", "b"], ["2024-01-01", "2024-01-02"], "bench")
    assert runs[:3] == [
        RunRef("a", "bench__2024-01-01", "2024-01-01"),
        RunRef("b", "bench__2024-01-01", "2024-01-01"),
        RunRef("a", "bench__2024-01-02", "2024-01-02"),
    ]


def test_tally_line_names_every_count() -> None:
    line = Tally(started=13, succeeded=12, lost=1, duplicated=0).line()
    assert line == "runs started 13, succeeded 12, lost 1, duplicated 0"


def test_queued_to_running_skips_what_never_ran() -> None:
    instances = [
        {"queued_when": "2024-01-01T00:00:00Z", "start_date": "2024-01-01T00:00:02.5Z"},
        {"queued_when": "2024-01-01T00:00:00+00:00", "start_date": None},
    ]
    assert batch.queued_to_running(instances) == [2.5]
    assert batch.median([3.0, 1.0, 2.0]) == 2.0


def test_project_copy_changes_only_the_default_args_asked_for(tmp_path: Path) -> None:
    copy = batch.project_copy(REPO, tmp_path / "p", {"retry_delay": "5s"}, {"extra.py": "# dag"})
    defaults = yaml.safe_load((copy / "dagfactory_configs" / "defaults.yml").read_text())
    assert defaults["default_args"]["retry_delay"] == "5s"
    assert defaults["default_args"]["owner"] == "data-engineering"
    assert (copy / "dags" / "extra.py").read_text() == "# dag"
    assert (copy / "callables" / "who_split.py").is_file()
    assert not list(copy.rglob("__pycache__"))
