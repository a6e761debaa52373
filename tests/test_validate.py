"""validate as a person meets it: where each problem points and what the hint says."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.problems import Problem
from dagforge.project import load_project
from tests.conftest import REPO

BASH = "airflow.providers.standard.operators.bash.BashOperator"
TASK = f"  tasks:\n    - task_id: hello\n      operator: {BASH}\n      bash_command: echo hello\n"


def problems_of(tmp_path: Path, text: str, name: str = "dags.yml") -> list[Problem]:
    """The errors validate finds in ``text`` (warnings have their own tests)."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    return [p for p in load_project([tmp_path]).report.sorted() if p.severity == "error"]


def test_unknown_key_points_at_the_key_and_suggests_the_close_match(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "my_dag:\n  schedul: '@daily'\n" + TASK)
    assert (problem.code, problem.line, problem.column, problem.path) == (
        "unknown-key",
        2,
        3,
        "$.my_dag.schedul",
    )
    assert problem.hint == "did you mean 'schedule'?"


def test_removed_sec_key_hint_holds_the_exact_replacement(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "my_dag:\n  default_args:\n    retry_delay_sec: 300\n" + TASK)
    assert problem.code == "removed-key" and problem.line == 3
    assert problem.hint == "replace it with `retry_delay: 5m`"


def test_absolute_mwaa_callable_file_hint_names_the_callables_path(tmp_path: Path) -> None:
    text = (
        "d:\n  tasks:\n    t:\n      operator: airflow.operators.python.PythonOperator\n      "
        "python_callable_name: run\n      python_callable_file: "
        "/usr/local/airflow/dags/etl/load.py\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert problem.line == 6 and "`python_callable: callables.etl.load.run`" in problem.hint


def test_norway_unquoted_instance_says_to_quote_it(tmp_path: Path) -> None:
    text = (
        "templates:\n  c:\n    dag_id: c_{code}\n    parameters: {code: {type: string}}\n  "
        f"  dag:\n      tasks: [{{task_id: t, operator: {BASH}, bash_command: echo}}]\n    "
        "instances:\n      - code: NO\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert (problem.code, problem.line, problem.hint) == ("bool-trap", 8, 'quote it: "NO"')


def test_problem_from_the_template_body_points_at_the_instance_and_names_the_template_line(
    tmp_path: Path,
) -> None:
    text = (
        "templates:\n  c:\n    dag_id: c_{code}\n    parameters: {code: {type: string}}\n    "
        "dag:\n      tasks:\n        - task_id: t\n          operator: "
        "airflow.operators.python.PythonOperator\n          python_callable: "
        "callables.who.process_country\n          op_kwargs: {country_code: '{code}'}\n    "
        "instances:\n      - {code: AU}\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert (problem.code, problem.line) == ("callable-arguments", 12)
    assert problem.message.endswith("(in DAG 'c_AU' from the template at line 10)")


def test_one_mistake_in_a_template_is_one_problem_however_many_instances(tmp_path: Path) -> None:
    text = (
        "templates:\n  c:\n    dag_id: c_{code}\n    parameters: {code: {type: string}}\n  "
        f"  dag:\n      tasks:\n        - {{task_id: t, operator: {BASH}, bash_command: echo, "
        "dependencies: [s]}\n    instances:\n      - {code: AU}\n      - {code: BR}\n      "
        "- {code: CL}\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert (problem.code, problem.line) == ("unknown-dependency", 9)
    assert "(in 3 DAGs, first 'c_AU', from the template at line 7)" in problem.message


def test_a_misspelled_keyword_argument_is_one_problem_not_also_a_missing_one(
    tmp_path: Path,
) -> None:
    text = (
        "d:\n  tasks:\n    - task_id: t\n      operator: "
        "airflow.providers.standard.operators.python.PythonOperator\n      python_callable: "
        "callables.who.process_country\n      op_kwargs: {contry_code: AU, bucket: b, "
        "source_key: k, output_prefix: p, ds: x}\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert problem.message == "process_country() has no parameter 'contry_code'"
    assert problem.hint == "did you mean 'country_code'?"


def test_a_helper_the_module_does_not_export_is_no_callable(tmp_path: Path) -> None:
    """``callables.who.json`` is a name the module imports, not one it offers (as
    ``callables.ingest.datetime`` was): refused without a crash; so is a dunder."""
    text = (
        "d:\n  tasks:\n    - task_id: t\n      operator: "
        "airflow.providers.standard.operators.python.PythonOperator\n      python_callable: "
        "callables.who.{name}\n"
    )
    [imported] = problems_of(tmp_path, text.format(name="json"))
    assert (imported.code, imported.line) == ("callable-not-found", 5)
    assert "does not export 'json' in __all__" in imported.message
    [dunder] = problems_of(tmp_path, text.format(name="__loader__"))
    assert dunder.code == "callable-not-found" and "__loader__" in dunder.message


def test_dag_id_duplicated_across_files_names_the_first_definition(tmp_path: Path) -> None:
    problems_of(tmp_path, "same:\n" + TASK, "a.yml")
    [problem] = problems_of(tmp_path, "# second\nsame:\n" + TASK, "b.yml")
    assert (problem.code, problem.file.endswith("b.yml"), problem.line) == (
        "duplicate-dag-id",
        True,
        2,
    )
    assert "a.yml:1" in problem.message


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = "my_dag:\n  schedul: x\n  catchup: maybe\n  schedule_interval: '@daily'\n" + TASK
    assert [p.code for p in problems_of(tmp_path, text)] == [
        "unknown-key",
        "wrong-type",
        "removed-key",
    ]


def test_keys_dag_factory_still_reads_on_airflow_3_are_warnings_that_say_what_happens(
    tmp_path: Path,
) -> None:
    text = "my_dag:\n  concurrency: 2\n  default_view: tree\n  orientation: LR\n" + TASK
    (tmp_path / "dags.yml").write_text(text, encoding="utf-8")
    report = load_project([tmp_path]).report
    assert report.errors == []
    words = {p.code: p for p in report.sorted()}
    assert set(words) == {"deprecated-key", "ignored-key"}
    assert "passes it as max_active_tasks" in words["deprecated-key"].message
    assert all(p.severity == "warning" for p in report.problems)


def test_a_broken_defaults_file_is_reported_and_blamed(tmp_path: Path) -> None:
    (tmp_path / "defaults.yml").write_text("schedule_interval: '@daily'\n")
    codes = {(Path(p.file).name, p.code) for p in problems_of(tmp_path, "my_dag:\n" + TASK)}
    assert codes == {("defaults.yml", "removed-key"), ("dags.yml", "defaults-invalid")}


def test_a_broken_file_does_not_hide_the_dags_of_the_others(tmp_path: Path) -> None:
    problems_of(tmp_path, "good:\n" + TASK, "a.yml")
    problems_of(tmp_path, "bad:\n  schedul: x\n" + TASK, "b.yml")
    assert [d.dag_id for d in load_project([tmp_path]).dags()] == ["good"]


def test_callables_outside_the_allowed_packages_are_never_imported(tmp_path: Path) -> None:
    text = (
        "d:\n  tasks:\n    t:\n      operator: airflow.operators.python.PythonOperator\n      "
        "python_callable: antigravity.fly\n"
    )
    [problem] = problems_of(tmp_path, text)
    assert problem.code == "callable-not-allowed" and "antigravity" not in sys.modules


def test_cli_exit_codes_clean_problems_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.yml").write_text("my_dag:\n" + TASK)
    assert main(["validate", str(tmp_path)]) == 0
    (tmp_path / "bad.yml").write_text("other:\n  schedul: x\n" + TASK)
    assert main(["validate", str(tmp_path)]) == 1
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_cli_json_output_is_the_problem_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yml").write_text("other:\n  schedul: x\n" + TASK)
    assert main(["validate", "--format", "json", str(tmp_path)]) == 1
    [item] = json.loads(capsys.readouterr().out)
    assert item["code"] == "unknown-key" and item["line"] == 2


def test_project_configs_are_clean() -> None:
    result = load_project([Path(__file__).parent.parent / "dagfactory_configs"])
    assert result.report.problems == [] and len(result.dags()) >= 13


def test_validate_never_imports_airflow_or_dag_factory() -> None:
    code = (
        "import sys; from dagforge.cli import main; main(['validate', 'dagfactory_configs', "
        "'tests/corpus/good']);print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('airflow', 'dagfactory')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stderr[-2000:]


def test_airflow2_operator_path_is_a_warning_naming_the_new_path(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        "d:\n  tasks:\n    t:\n      operator: airflow.operators.empty.EmptyOperator\n"
    )
    report = load_project([tmp_path]).report
    [warning] = report.problems
    assert (warning.severity, warning.code, warning.line, report.ok) == (
        "warning",
        "operator-path-deprecated",
        4,
        True,
    )
    assert "'airflow.providers.standard.operators.empty.EmptyOperator'" in warning.hint


def test_project_config_files_point_editors_at_the_schema() -> None:
    configs = Path(__file__).parent.parent / "dagfactory_configs"
    for path in sorted(configs.glob("*.y*ml")):
        special = {"defaults": "defaults.schema.json", "variables": "variables.schema.json"}
        schema = special.get(path.stem, "dagforge.schema.json")
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{schema}", path.name


def test_a_value_inherited_from_the_default_block_is_reported_once_at_its_line(
    tmp_path: Path,
) -> None:
    empty = "airflow.providers.standard.operators.empty.EmptyOperator"
    text = "default:\n  schedule: {datasets: ['s3://b/k']}\n" + "".join(
        f"{name}:\n  tasks: [{{task_id: a, operator: {empty}}}]\n" for name in "abc"
    )
    (tmp_path / "dags.yml").write_text(text, encoding="utf-8")
    problems = load_project([tmp_path]).report.sorted()
    assert [(p.code, p.line, p.severity) for p in problems] == [("schedule-form", 2, "error")]
    assert "on Airflow 2 only" in problems[0].message
    assert problems[0].hint == 'for Airflow 3 write `schedule: ["s3://b/k"]`'


def test_validate_finds_the_loaders_defaults_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configs folder (named dagfactory_configs) bounds the defaults.yml layers, as it does
    for the loader: not the folder validate happens to run in."""
    configs = tmp_path / "repo" / "dagfactory_configs"
    (configs / "team").mkdir(parents=True)
    (configs / "defaults.yml").write_text("max_active_runs: 3\n")
    (configs / "team" / "dags.yml").write_text("my_dag:\n" + TASK)
    for cwd in (tmp_path, configs / "team", tmp_path / "repo"):
        monkeypatch.chdir(cwd)
        [dag] = load_project([configs / "team" / "dags.yml"]).dags()
        assert dag.config["max_active_runs"] == 3


def test_the_commented_alerts_of_the_sources_family_validate_when_switched_on(
    tmp_path: Path,
) -> None:
    """The sources family shows how to turn alerts on in place; switched on, it is valid."""
    name = "sources.yml"
    configs = tmp_path / "dagfactory_configs"
    shutil.copytree(REPO / "dagfactory_configs", configs)
    lines, switched, inside = (configs / name).read_text().splitlines(), [], False
    for line in lines:
        inside = "# Alerts" in line or (inside and line.lstrip().startswith("#"))
        uncommented = line.replace("# ", "", 1) if inside and "# Alerts" not in line else line
        switched.append(uncommented)
    (configs / name).write_text("\n".join(switched) + "\n")
    assert "on_failure_callback:" in (configs / name).read_text()
    report = load_project([configs], configs).report
    assert report.errors == []
