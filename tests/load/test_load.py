from __future__ import annotations

from dagforge.load import format_path, load_text


def test_positions_of_keys_and_values() -> None:
    doc = load_text("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yml")
    assert doc.mark(("a", "b"), key=True).line == 2
    assert doc.mark(("a", "c", 1)).line == 5
    assert doc.mark(("a", "c", 1, "missing")).line == 5  # nearest known ancestor


def test_norway_unquoted_is_a_recorded_trap_and_quoted_is_text() -> None:
    doc = load_text('a: NO\nb: "NO"\nc: true\n', "f.yml")
    assert doc.data == {"a": False, "b": "NO", "c": True}
    assert doc.bool_traps == {("a",): "NO"}


def test_dates_stay_text_for_the_schema() -> None:
    assert load_text("start_date: 2024-03-01\n", "f.yml").data == {"start_date": "2024-03-01"}


def test_duplicate_key_points_at_the_second_key() -> None:
    doc = load_text("a: 1\nb: 2\na: 3\n", "f.yml")
    [problem] = doc.problems
    assert (problem.code, problem.line, problem.path) == ("duplicate-key", 3, "$.a")
    assert "line 1" in problem.hint


def test_python_tag_is_rejected_never_constructed() -> None:
    doc = load_text("a: !!python/object/apply:os.system ['echo hacked']\n", "f.yml")
    [problem] = doc.problems
    assert problem.code == "unsafe-tag" and problem.line == 1
    assert doc.data == {"a": None}


def test_syntax_error_has_its_line() -> None:
    doc = load_text("a:\n  b: [1, 2\nc: 3\n", "f.yml")
    [problem] = doc.problems
    assert problem.code == "yaml-syntax" and problem.line == 3


def test_tab_indentation_is_named() -> None:
    doc = load_text("a:\n\tb: 1\n", "f.yml")
    [problem] = doc.problems
    assert problem.code == "yaml-tab" and problem.line == 2


def test_format_path() -> None:
    assert (
        format_path(("templates", "t", "instances", 3, "code")) == "$.templates.t.instances[3].code"
    )
