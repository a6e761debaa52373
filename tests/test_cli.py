from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from dagforge import commands
from dagforge.cli import main


def test_module_help_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dagforge", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "sample-data" in done.stdout and "demo" in done.stdout


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: dagforge" in capsys.readouterr().out


def test_every_command_module_is_listed_once_and_has_the_contract() -> None:
    folder = Path(commands.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    assert sorted(c.module for c in commands.COMMANDS) == sorted(modules)
    for command in commands.COMMANDS:
        module = command.load()
        assert module.DESCRIPTION and callable(module.configure) and callable(module.run)


def test_version_imports_only_the_cli() -> None:
    listing = (
        "import sys\nfrom dagforge.cli import main\ntry:\n    main(['--version'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('dagforge')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", listing], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "dagforge 0.1.0",
        str(["dagforge", "dagforge.cli", "dagforge.commands", "dagforge.errors"]),
    ]


def test_a_bug_is_exit_3_with_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise ZeroDivisionError("division by zero")

    real_load = commands.Command.load

    def load(self: commands.Command) -> object:
        module = real_load(self)
        return SimpleNamespace(
            DESCRIPTION=module.DESCRIPTION, configure=module.configure, run=broken
        )

    monkeypatch.setattr(commands.Command, "load", load)
    assert main(["list", "tests/corpus/good"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("dagforge: internal error: ZeroDivisionError: division by zero\n")
    assert "--debug" in err and "Traceback" not in err
    with pytest.raises(ZeroDivisionError):
        main(["list", "tests/corpus/good", "--debug"])


def test_our_own_errors_keep_their_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/folder"]) == 2
    assert capsys.readouterr().err == "dagforge: no such file or folder: no/such/folder\n"


def test_callables_package_option_points_at_the_one_setting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--callables-package", "etl"]) == 2
    err = capsys.readouterr().err
    assert "callable_packages" in err and "DAGFORGE_CALLABLE_PACKAGES" in err
