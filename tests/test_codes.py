"""The catalogue of problem codes: complete in both directions, and the docs table comes from it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from dagforge.checks.registry import CHECKS
from dagforge.checks.schema_errors import _GENERIC
from dagforge.codes import CODES, STAGES
from dagforge.problems import Problem
from dagforge.settings import PACKAGE_DIR, SCHEMA_FILE, SCHEMAS_DIR


def literal_codes() -> dict[str, str]:
    """Every ``code="..."`` written in dagforge's source, with where it is."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant)
            if literal and node.arg == "code" and isinstance(node.value.value, str):
                found[node.value.value] = f"{path.relative_to(PACKAGE_DIR)}:{node.lineno}"
    return found


def schema_codes() -> set[str]:
    text = (SCHEMAS_DIR / SCHEMA_FILE).read_text(encoding="utf-8")
    codes: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("x-dagforge-code"), str):
                codes.add(value["x-dagforge-code"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(text))
    return codes


def test_every_code_the_source_can_report_is_catalogued() -> None:
    unknown = {code: where for code, where in literal_codes().items() if code not in CODES}
    assert unknown == {}
    assert schema_codes() - set(CODES) == set()
    assert set(_GENERIC.values()) - set(CODES) == set()


def test_every_catalogued_code_can_be_reported() -> None:
    reportable = set(literal_codes()) | schema_codes() | set(_GENERIC.values())
    assert set(CODES) - reportable == set()


def test_every_code_names_a_check_or_a_stage() -> None:
    sources = {check.name for check in CHECKS} | set(STAGES)
    assert {code: c.source for code, c in CODES.items() if c.source not in sources} == {}


def test_a_problem_takes_its_severity_from_the_catalogue() -> None:
    warning = Problem(file="f.yml", code="operator-path-deprecated", message="m")
    assert warning.severity == "warning"
    assert (
        Problem(file="f.yml", code="parse-time", message="m", severity="error").severity == "error"
    )


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown problem code 'no-such-code'"):
        Problem(file="f.yml", code="no-such-code", message="m")


def test_the_guide_lists_every_code(tmp_path: Path) -> None:
    guide = (PACKAGE_DIR.parent / "docs" / "config-language.md").read_text(encoding="utf-8")
    assert all(f"| `{code}`" in guide for code in CODES)
