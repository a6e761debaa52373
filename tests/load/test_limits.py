"""Limits on one file's YAML: nesting and values built (issue 11, items 5 and 6)."""

from __future__ import annotations

import time
from pathlib import Path

from dagforge.load import load_text
from dagforge.project import load_project
from dagforge.settings import MAX_DAGS_PER_FILE, MAX_YAML_DEPTH

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_an_alias_bomb_stops_fast_with_a_problem() -> None:
    started = time.perf_counter()
    doc = load_text(BOMB, "bomb.yml")
    assert time.perf_counter() - started < 5  # it took 30-76 s, then passed
    assert [p.code for p in doc.problems] == ["yaml-too-complex"] and doc.data is None


def test_deep_block_nesting_is_refused_before_composing() -> None:
    text = "".join(f"{'  ' * level}k{level}:\n" for level in range(MAX_YAML_DEPTH + 5))
    [problem] = load_text(text, "deep.yml").problems
    assert (problem.code, problem.line) == ("yaml-too-complex", MAX_YAML_DEPTH + 1)


def test_very_deep_flow_nesting_is_refused_instead_of_crashing() -> None:
    text = "d: " + "[" * 50_000 + "]" * 50_000 + "\n"  # libyaml segfaulted on this
    assert [p.code for p in load_text(text, "deep.yml").problems] == ["yaml-too-complex"]


def test_nesting_made_by_aliases_is_limited_too() -> None:
    chain = "l0: &l0 [x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 200))
    assert [p.code for p in load_text(chain, "chain.yml").problems] == ["yaml-too-complex"]


def test_ordinary_configs_are_far_from_the_limits() -> None:
    text = "d:\n  default_args: {retries: 1}\n  tasks:\n    - task_id: a\n"
    text += "      op_kwargs: {x: [1, 2], y: {z: [[3]]}}\n"
    assert load_text(text, "d.yml").problems == []


def test_too_many_dags_in_one_file_is_a_problem(tmp_path: Path) -> None:
    instances = "".join(f"      - {{n: d{i}}}\n" for i in range(MAX_DAGS_PER_FILE + 1))
    (tmp_path / "many.yml").write_text(
        "templates:\n  t:\n    dag_id: '{n}'\n    dag:\n      tasks: [{task_id: a, operator: "
        "airflow.providers.standard.operators.empty.EmptyOperator}]\n    instances:\n" + instances
    )
    assert [p.code for p in load_project([tmp_path], tmp_path).report.errors] == ["too-many-dags"]
