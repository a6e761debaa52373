from __future__ import annotations

import subprocess
import sys

import pytest

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
