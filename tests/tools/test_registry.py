from __future__ import annotations

from pathlib import Path

import pytest

from dagforge.cli import main
from dagforge.settings import CONFIGS_DIR_NAME, POLICY_ENV, POLICY_FILE
from dagforge.tools.registry import discover
from tests.conftest import REPO


def test_registry_lists_exactly_the_exported_functions() -> None:
    names = [info.dotted for info in discover()]
    assert "callables.who.process_country" in names
    assert not any(name.startswith("callables.s3.") for name in names)  # helpers export nothing
    assert names == sorted(names)


def test_signatures_show_types_not_strings() -> None:
    info = next(i for i in discover() if i.dotted == "callables.who.process_country")
    assert info.signature.startswith("(country_code: str, bucket: str")
    assert "aws_conn_id: str = 'aws_default'" in info.signature
    assert info.summary


def test_generated_reference_is_up_to_date() -> None:
    assert main(["callables", "--check", str(REPO / "docs" / "callables-reference.md")]) == 0, (
        "run: dagforge callables --markdown > docs/callables-reference.md"
    )


def test_lists_the_packages_of_the_project_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in POLICY_ENV.values():
        monkeypatch.delenv(name, raising=False)
    package = tmp_path / "src" / "teamjobs"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "clean.py").write_text(
        '__all__ = ["tidy"]\n\n\ndef tidy(table: str) -> str:\n    """Tidy one table."""\n'
        "    return table\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    (tmp_path / CONFIGS_DIR_NAME).mkdir()
    (tmp_path / CONFIGS_DIR_NAME / POLICY_FILE).write_text(
        '[policy]\ncallable_packages = ["teamjobs"]\n'
    )
    assert main(["callables", "--project-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "teamjobs.clean.tidy(table: str) -> str" in out and "callables." not in out


def test_a_policy_package_that_cannot_be_imported_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(POLICY_ENV["callable_packages"], "no_such_team_package")
    assert main(["callables", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot import no_such_team_package" in err and "callable_packages" in err
