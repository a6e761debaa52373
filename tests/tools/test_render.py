from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dagforge.cli import main
from tests.conftest import CORPUS, REPO

GOLDEN = CORPUS / "render"


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.yml")), ids=lambda p: p.stem)
def test_render_matches_its_golden_file(
    golden: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["render", golden.stem, "tests/corpus/good"]) == 0
    assert capsys.readouterr().out == golden.read_text(encoding="utf-8")


def test_render_turns_friendly_durations_into_timedelta_objects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["render", "example_plain", str(REPO / "tests/corpus/good")]) == 0
    config = yaml.safe_load(capsys.readouterr().out)["example_plain"]
    assert config["dagrun_timeout"] == {"__type__": "datetime.timedelta", "seconds": 5400}
    assert config["default_args"]["retry_delay"] == {
        "__type__": "datetime.timedelta",
        "seconds": 300,
    }


def test_render_unknown_dag_is_a_usage_error_with_close_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["render", "who_country_N", str(REPO / "dagfactory_configs")]) == 2
    assert "did you mean 'who_country_NO'" in capsys.readouterr().err


def test_render_of_a_dag_in_a_broken_file_shows_the_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yml").write_text(
        "d:\n  schedul: x\n  tasks: [{task_id: t, operator: "
        "airflow.operators.empty.EmptyOperator}]\n"
    )
    assert main(["render", "d", str(tmp_path)]) == 1
    assert "unknown-key" in capsys.readouterr().err


def test_list_prints_each_dag_id_with_file_and_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["list", "tests/corpus/good"]) == 0
    rows = {
        line.split()[0]: line.split(maxsplit=1)[1] for line in capsys.readouterr().out.splitlines()
    }
    assert rows["example_split"] == "tests/corpus/good/assets.yml:3"
    assert (
        rows["example_country_na"]
        == "tests/corpus/good/template_countries.yml:27 (template at line 4)"
    )
    assert len(rows) == 23


def test_list_marks_dags_of_broken_files_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yml").write_text(
        "d:\n  schedul: x\n  tasks: [{task_id: t, operator: "
        "airflow.operators.empty.EmptyOperator}]\n"
    )
    assert main(["list", str(tmp_path)]) == 1
    assert "invalid" in capsys.readouterr().out


@pytest.mark.airflow
def test_rendered_configs_build_in_real_dag_factory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render's output is plain dag-factory YAML: dag-factory itself, reading it as a file, builds
    every good-corpus DAG (but the one validate warns about: its schedule form is Airflow 2
    only)."""
    monkeypatch.setenv("AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY", "False")
    from dagfactory import load_yaml_dags

    from dagforge.project import load_project
    from dagforge.tools.render import render_dag

    result = load_project([GOLDEN.parent / "good"])
    warned = {p.file for p in result.report.problems}
    built: dict[str, object] = {}
    for dag in (d for d in result.dags() if d.origin.file not in warned):
        path = tmp_path / f"{dag.dag_id}.yml"
        path.write_text(render_dag(dag), encoding="utf-8")
        load_yaml_dags(globals_dict=built, config_filepath=str(path), defaults_config_dict={})
    assert sorted(built) == sorted(d.dag_id for d in result.dags() if d.origin.file not in warned)
