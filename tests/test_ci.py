"""The GitHub workflow: valid YAML, runs on pull requests, and does nothing that `make` cannot do
locally.
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def _runs(workflow: dict[str, Any]) -> list[str]:
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))


def test_workflow_passes_yamllint_with_our_config() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "yamllint", "-c", str(REPO / ".yamllint"), str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_runs_on_pull_requests(workflow: dict[str, Any]) -> None:
    assert "pull_request" in workflow["on"]  # "on" is quoted: unquoted it would load as True


def test_every_command_is_a_make_target_that_exists(workflow: dict[str, Any]) -> None:
    targets = _make_targets()
    used = {
        target
        for run in _runs(workflow)
        for target in re.findall(r"\bmake (?:-s )?([a-z][a-z0-9-]*)", run)
    }
    assert used and used <= targets
    assert {"ci-validate", "test", "diff", "bundle", "test-compat", "local-runner-smoke"} <= used
    assert "test-runner" in used  # the local runner's fault tests have a job of their own


def test_no_step_does_work_a_make_target_does_not(workflow: dict[str, Any]) -> None:
    for run in _runs(workflow):
        for line in filter(None, (part.strip() for part in run.splitlines())):
            assert line.startswith(("make ", "if [")), line


def test_compat_matrix_has_a_lock_for_each_version(workflow: dict[str, Any]) -> None:
    versions = workflow["jobs"]["compat"]["strategy"]["matrix"]["airflow"]
    assert "2.11.2" in versions
    assert all((REPO / "requirements" / f"lock-{version}.txt").is_file() for version in versions)


def test_diff_goes_to_the_job_summary(workflow: dict[str, Any]) -> None:
    assert any("make -s diff" in run and "GITHUB_STEP_SUMMARY" in run for run in _runs(workflow))


def test_installs_are_cached_on_the_lock_files(workflow: dict[str, Any]) -> None:
    caches = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/cache@")
    ]
    assert len(caches) == len(workflow["jobs"])  # one per job
    assert all("hashFiles" in step["with"]["key"] for step in caches)


def test_bundle_artifact_keeps_the_airflowignore(workflow: dict[str, Any]) -> None:
    [upload] = [
        step
        for step in workflow["jobs"]["test"]["steps"]
        if step.get("with", {}).get("name") == "mwaa-bundle"
    ]
    assert upload["with"]["include-hidden-files"] is True


def test_github_expressions_never_reach_a_shell_line_directly(workflow: dict[str, Any]) -> None:
    assert not [run for run in _runs(workflow) if "${{ github." in run]
