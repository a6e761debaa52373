"""dag-factory 1.1 and dagforge on the same files: every construct of dag-factory's own example and
fixture configs that target Airflow 3, written afresh in ``tests/corpus/dagfactory*``.

A config dag-factory builds (``# dag-factory: builds``) must validate with no error, warn exactly
where it says (``# warns: code@line``), and give the same DAGs from dagforge's loader as from
plain dag-factory. A config dag-factory cannot build (``# dag-factory: fails``) must get exactly
its error at its line (``# expect: code@line``). Both tools really run: the headers are checked,
not believed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagforge.cli import main
from dagforge.settings import DEFAULTS_NAMES
from dagforge.tools.compare import compare_file, describe, differences, plain_dagfactory
from tests.conftest import CORPUS

pytestmark = pytest.mark.airflow

BUILDS = CORPUS / "dagfactory"
REFUSED = CORPUS / "dagfactory_refused"
_HEADER = re.compile(r"^# (dag-factory|expect|warns): (.+)$", re.MULTILINE)


def configs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yml") if p.name not in DEFAULTS_NAMES)


def header(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"dag-factory": [], "expect": [], "warns": []}
    for key, value in _HEADER.findall(path.read_text(encoding="utf-8")):
        found[key].append(value.strip())
    return found


@pytest.fixture(autouse=True)
def conformance_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What dag-factory's examples assume: their helpers on sys.path, $CONFIG_ROOT_DIR set."""
    monkeypatch.setenv("CONFIG_ROOT_DIR", str(BUILDS))
    monkeypatch.setenv("DFX_GREETING", "hello")
    monkeypatch.syspath_prepend(str(BUILDS))
    yield
    for name in [m for m in sys.modules if m.split(".")[0] in ("df_helpers", "print_hello")]:
        sys.modules.pop(name)


def _codes(problems: list[Any], severity: str) -> list[str]:
    return sorted(f"{p.code}@{p.line}" for p in problems if p.severity == severity)


@pytest.mark.parametrize("path", configs(BUILDS), ids=lambda p: p.stem)
def test_what_dag_factory_builds_dagforge_accepts_and_builds_the_same(path: Path) -> None:
    result = compare_file(path, BUILDS)
    if result.verdict == "datasets":  # the file `file:` references read: no DAG, no header
        assert header(path)["dag-factory"] == []
        return
    assert header(path)["dag-factory"] == ["builds"]
    assert result.dagfactory_error == ""
    assert _codes(result.problems, "error") == []
    assert result.verdict == "same", result.differences
    assert _codes(result.problems, "warning") == sorted(header(path)["warns"])


@pytest.mark.parametrize("path", configs(REFUSED), ids=lambda p: p.stem)
def test_what_dag_factory_cannot_build_dagforge_refuses_at_its_line(path: Path) -> None:
    assert header(path)["dag-factory"] == ["fails"]
    result = compare_file(path, REFUSED)
    assert result.dagfactory_error, "dag-factory built it: the corpus file is wrong"
    assert _codes(result.problems, "error") == header(path)["expect"]
    assert result.verdict == "refused"


def test_the_corpora_cover_the_constructs() -> None:
    assert len(configs(BUILDS)) >= 8 and len(configs(REFUSED)) >= 20
    text = "".join(p.read_text(encoding="utf-8") for p in configs(BUILDS))
    for construct in (
        "group_name:",
        "parent_group_name:",
        "decorator:",
        "+",
        "expand:",
        "partial:",
        "map_index_template:",
        "2 days",
        "timezone:",
        "__join__",
        "variables_as_arguments:",
        "user_defined_macros:",
        "_callback_file:",
        "callback:",
        "__or__:",
        "AssetOrTimeSchedule",
        "doc_md_file_path:",
        "$CONFIG_ROOT_DIR",
        "HttpOperator",
        "execution_delta:",
    ):
        assert construct in text, construct


def test_the_loader_builds_every_dag_as_plain_dag_factory_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The whole corpus through the loader DAG file's own function, DAG by DAG against
    dag-factory on the file that defines it."""
    from dagforge.runtime.loader import load_dags

    monkeypatch.setenv("DAGFORGE_CONFIGS_DIR", str(BUILDS))
    target: dict[str, Any] = {}
    outcome = load_dags(target, tmp_path)
    assert outcome.broken == {}
    theirs: dict[str, Any] = {}
    for path in configs(BUILDS):
        if header(path)["dag-factory"]:  # not the datasets file
            theirs.update(plain_dagfactory(path, BUILDS))
    assert sorted(target) == sorted(theirs)
    assert differences(theirs, target) == []


def test_a_difference_between_the_two_is_found_and_named(tmp_path: Path) -> None:
    config = tmp_path / "one.yml"
    config.write_text(
        "one:\n  default_args: {start_date: 2024-01-01, retries: 1}\n  tasks:\n    - task_id: t\n"
        "      operator: airflow.providers.standard.operators.empty.EmptyOperator\n"
    )
    ours = plain_dagfactory(config, tmp_path)
    config.write_text(config.read_text().replace("retries: 1", "retries: 2"))
    theirs = plain_dagfactory(config, tmp_path)
    found = differences(theirs, ours)
    assert found and all(line.startswith("one: ") for line in found)
    assert any("retries" in line for line in found)
    assert describe(ours["one"])["callbacks"]["default_args"] == {}


def test_compare_command_reports_each_file_and_fails_on_a_mismatch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["compare", str(BUILDS / "schedules.yml"), "--root", str(BUILDS)]) == 0
    out = capsys.readouterr().out
    assert "same" in out and "schedules.yml" in out
    rejected = tmp_path / "typo.yml"
    rejected.write_text(
        "typo:\n  default_args: {start_date: 2024-01-01}\n  schedul: '@daily'\n  tasks:\n"
        "    - {task_id: t, operator: airflow.providers.standard.operators.empty.EmptyOperator}\n"
    )
    assert main(["compare", str(rejected)]) == 1
    assert "rejected" in capsys.readouterr().out
