"""``$VARS`` expanded exactly as dag-factory expands them (``os.path.expandvars`` over the text),
with every line and column still those of the text as written."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagforge.envvars import expand_env
from dagforge.load import load_text

TEXT = st.text(alphabet=st.sampled_from(list("aB_$ {}\n1:")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(text=TEXT)
def test_expansion_is_exactly_os_path_expandvars(text: str) -> None:
    os.environ["DFX_A"] = "value with {braces} and $B"
    os.environ["B"] = "b"
    try:
        assert expand_env(text).text == os.path.expandvars(text)
        assert expand_env(text.replace("a", "DFX_A")).text == os.path.expandvars(
            text.replace("a", "DFX_A")
        )
    finally:
        del os.environ["DFX_A"], os.environ["B"]


def test_positions_after_a_replaced_variable_are_those_of_the_text_as_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DFX_ROOT", "/a/much/longer/folder/than/the/name")
    doc = load_text("d:\n  file: $DFX_ROOT/x.py\n  other: $DFX_ROOT x: 1\n", "f.yml")
    [problem] = [p for p in doc.problems if p.code == "yaml-syntax"]
    assert (problem.line, problem.column) == (3, 21)  # the ':' after x, as written
    doc = load_text("d:\n  file: $DFX_ROOT/x.py\n  other: 2\n", "f.yml")
    assert doc.mark(("d", "other")).column == 10 and doc.mark(("d", "file")).column == 9


def test_a_variable_becomes_its_value_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFX_ROOT", "/srv/dags")
    monkeypatch.delenv("DFX_UNSET", raising=False)
    doc = load_text("d:\n  file: ${DFX_ROOT}/x.py\n  cmd: echo $DFX_UNSET $1\n", "f.yml")
    assert doc.data == {"d": {"file": "/srv/dags/x.py", "cmd": "echo $DFX_UNSET $1"}}
    found = {(p.code, p.severity, p.line, p.column) for p in doc.problems}
    assert found == {("env-var", "info", 2, 9), ("env-var-unset", "warning", 3, 8)}
    assert doc.mark(("d", "cmd")) == doc.mark(("d", "cmd"))
    assert doc.mark(("d", "cmd")).column == 8


def test_a_comment_with_a_variable_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DFX_ROOT", "/srv")
    assert load_text("# uses $DFX_ROOT\nd: 1\n", "f.yml").problems == []
