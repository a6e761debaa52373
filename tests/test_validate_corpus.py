"""The bad and good corpora: one file per case, the expectation written in the file itself.

A bad file's first line reads ``# expect: <code>@<line>`` (plus ``dagforge-only`` when the problem
is beyond what JSON Schema can say, so check-jsonschema is expected to accept the file). Adding a
file adds a test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagforge.project import load_project

CORPUS = Path(__file__).parent / "corpus"
SCHEMA = Path(__file__).parent.parent / "schemas" / "dagforge.schema.json"
_EXPECT = re.compile(r"^# expect: (?P<code>[a-z-]+)@(?P<line>\d+)(?P<only> dagforge-only)?$")


@dataclass(frozen=True)
class Case:
    path: Path
    code: str
    line: int
    schema_can_tell: bool


def bad_cases() -> list[Case]:
    cases = []
    for path in sorted((CORPUS / "bad").glob("*.yml")):
        match = _EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, f"{path.name}: first line must be '# expect: <code>@<line>'"
        cases.append(Case(path, match["code"], int(match["line"]), not match["only"]))
    return cases


BAD = bad_cases()
GOOD = sorted((CORPUS / "good").glob("*.yml"))


def test_the_bad_corpus_is_large_enough() -> None:
    assert len(BAD) >= 40 and len({case.code for case in BAD}) >= 25


@pytest.mark.parametrize("case", BAD, ids=[case.path.stem for case in BAD])
def test_bad_file_reports_exactly_its_problem_at_its_line(case: Case) -> None:
    report = load_project([case.path], case.path.parent).report
    assert [f"{p.code}@{p.line}" for p in report.sorted()] == [f"{case.code}@{case.line}"]
    [problem] = report.problems
    assert problem.message and problem.column >= 1 and problem.path.startswith("$")


def declared_warnings(path: Path) -> list[str]:
    """A good file may declare the warnings it must give: ``# warns: <code>@<line>``."""
    return re.findall(
        r"^# warns: ([a-z-]+@\d+)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE
    )


@pytest.mark.parametrize("path", GOOD, ids=[path.stem for path in GOOD])
def test_good_file_has_no_errors_and_only_its_declared_warnings(path: Path) -> None:
    result = load_project([path], path.parent)
    assert result.report.errors == [] and result.dags()
    assert [f"{p.code}@{p.line}" for p in result.report.sorted()] == declared_warnings(path)


def test_good_corpus_validates_as_one_project() -> None:
    result = load_project([CORPUS / "good"])
    assert result.report.errors == []
    assert len(result.dags()) == result.report.dags >= 20


def _rejected_by_check_jsonschema(paths: list[Path]) -> set[str]:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "-o",
            "json",
            "--schemafile",
            str(SCHEMA),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout)
    return {
        Path(e["filename"]).name
        for kind in ("errors", "parse_errors")
        for e in report.get(kind, [])
    }


def test_check_jsonschema_agrees_on_the_bad_corpus() -> None:
    rejected = _rejected_by_check_jsonschema([case.path for case in BAD])
    assert rejected == {case.path.name for case in BAD if case.schema_can_tell}


def test_check_jsonschema_accepts_the_good_corpus_and_the_project_configs() -> None:
    configs = sorted((CORPUS.parent.parent / "dagfactory_configs").glob("*.yml"))
    assert (
        _rejected_by_check_jsonschema(
            [*GOOD, *(p for p in configs if p.name not in ("defaults.yml", "variables.yml"))]
        )
        == set()
    )


def test_every_config_file_names_its_schema_for_editors() -> None:
    """The first line (after a bad file's expectation) points editors at the schema."""
    heads = [p.read_text(encoding="utf-8").splitlines()[0] for p in GOOD]
    heads += [case.path.read_text(encoding="utf-8").splitlines()[1] for case in BAD]
    assert all(head.startswith("# yaml-language-server: $schema=") for head in heads)


def test_every_code_of_the_corpus_is_documented_with_an_example() -> None:
    guide = (CORPUS.parent.parent / "docs" / "config-language.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)`(?: \(\w+\))? \|", guide, flags=re.MULTILINE))
    assert {case.code for case in BAD} <= documented
