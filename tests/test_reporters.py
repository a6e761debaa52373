from __future__ import annotations

import json

from dagforge import reporters
from dagforge.problems import JSON_KEYS, Problem, Report

PROBLEM = Problem(
    file="dags/a.yml",
    line=7,
    column=3,
    path="$.d.schedul",
    code="unknown-key",
    message="unknown key 'schedul'",
    hint="did you mean 'schedule'?",
)


def _report(*problems: Problem) -> Report:
    report = Report(list(problems), files_checked=1, dags=2)
    return report


def test_json_is_a_list_of_objects_with_exactly_the_contract_keys() -> None:
    [item] = json.loads(reporters.as_json(_report(PROBLEM)))
    assert tuple(item) == JSON_KEYS
    assert JSON_KEYS == ("file", "line", "column", "path", "code", "severity", "message", "hint")
    assert item == {
        "file": "dags/a.yml",
        "line": 7,
        "column": 3,
        "path": "$.d.schedul",
        "code": "unknown-key",
        "severity": "error",
        "message": "unknown key 'schedul'",
        "hint": "did you mean 'schedule'?",
    }


def test_json_says_each_problems_severity() -> None:
    warning = Problem(file="a.yml", line=2, code="ignored-key", message="m")
    info = Problem(file="a.yml", line=3, code="env-var", message="m")
    items = json.loads(reporters.as_json(_report(PROBLEM, warning, info)))
    assert {(item["code"], item["severity"]) for item in items} == {
        ("unknown-key", "error"),
        ("ignored-key", "warning"),
        ("env-var", "info"),
    }


def test_info_lines_are_not_counted_as_warnings() -> None:
    info = Problem(file="a.yml", line=3, code="env-var", message="m")
    warning = Problem(file="a.yml", line=2, code="ignored-key", message="m")
    out = reporters.text(_report(info, warning))
    assert out.splitlines()[-1] == "1 file(s), 2 DAG(s): 0 error(s), 1 warning(s), 1 note(s)"
    assert reporters.github_line(info).startswith("::notice ")


def test_json_of_a_clean_run_is_an_empty_list() -> None:
    assert json.loads(reporters.as_json(_report())) == []


def test_github_annotation_has_file_line_col_and_the_hint() -> None:
    assert reporters.github(_report(PROBLEM)) == (
        "::error file=dags/a.yml,line=7,col=3,title=unknown-key::unknown key 'schedul' (hint: "
        "did you mean 'schedule'?)\n"
    )


def test_github_escapes_what_would_break_the_command() -> None:
    odd = Problem(
        file="a,b.yml", line=1, column=1, code="unknown-key", message="50% done\nnext", hint=""
    )
    assert (
        reporters.github_line(odd)
        == "::error file=a%2Cb.yml,line=1,col=1,title=unknown-key::50%25 done%0Anext"
    )


def test_text_lists_problems_then_a_summary() -> None:
    out = reporters.text(_report(PROBLEM))
    assert out.splitlines()[0] == "dags/a.yml:7:3: error [unknown-key] unknown key 'schedul'"
    assert out.splitlines()[-1] == "1 file(s), 2 DAG(s): 1 error(s), 0 warning(s)"


def test_reporters_are_chosen_by_name() -> None:
    assert set(reporters.names()) == {"text", "json", "github"}
