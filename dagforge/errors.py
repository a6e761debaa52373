"""Every error dagforge raises on purpose: one root, typed subclasses with structured fields.

Messages are formatted when shown (:meth:`DagforgeError.format`), and ``exit_code`` follows the
CLI contract: 1 for problems, 2 for usage errors. Anything that is not a ``DagforgeError`` is a bug,
and the CLI reports it as one (exit 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from dagforge.problems import Problem


class DagforgeError(Exception):
    """Root of every error dagforge raises on purpose. ``exit_code`` follows the CLI contract."""

    exit_code = 1

    def format(self) -> str:
        return str(self)


class UsageError(DagforgeError):
    """The command line or its arguments are wrong."""

    exit_code = 2


class ConfigError(DagforgeError):
    """One or more config problems; raised where a caller needs valid configs to go on."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class ConfigsNotFoundError(DagforgeError):
    """The loader found no config folder where it looked."""

    def __init__(self, candidates: Sequence[Path], setting: str) -> None:
        self.candidates, self.setting = tuple(candidates), setting
        super().__init__(self.format())

    def format(self) -> str:
        looked = ", ".join(str(c) for c in self.candidates)
        return (
            f"no config folder found: looked for {looked}; "
            f"set {self.setting} to the folder holding your dagforge YAML files"
        )


class BrokenConfigError(DagforgeError):
    """Raised by the task of an error DAG: the config behind the DAG has problems."""

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)


class UnsafeTypeError(DagforgeError):
    """A ``__type__`` outside the allow-list reached the build stage (validation stops it first)."""

    def __init__(self, target: str) -> None:
        self.target = target
        super().__init__(f"__type__ '{target}' is not allow-listed; dagforge will not import it")


class PolicyError(DagforgeError):
    """The project's policy file (dagforge.toml) cannot be read or holds something unknown."""

    def __init__(self, path: Path | None, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


class StaleFilesError(DagforgeError):
    """A generated file differs from what its generator produces now."""

    def __init__(self, paths: Sequence[str], command: str) -> None:
        self.paths, self.command = tuple(paths), command
        super().__init__(f"out of date: {', '.join(self.paths)}; run `{command}`")


class GitError(DagforgeError):
    """git itself failed (not a repository, git missing)."""


class GitRefError(UsageError):
    """The base ref does not name a commit of the repository."""

    def __init__(self, ref: str, repo: Path) -> None:
        self.ref, self.repo = ref, repo
        super().__init__(
            f"'{ref}' is not a commit in {repo} (fetch it first, e.g. 'git fetch origin main')"
        )


class EnvironmentSetupError(DagforgeError):
    """A local service (S3 emulator, Airflow metadata DB) could not be started or reached."""


class LocalRunnerError(EnvironmentSetupError):
    """The local runner did not come up, or a smoke step did not reach its goal in time."""


class ImportTimingError(DagforgeError):
    """Importing a DAG file to time it failed."""

    def __init__(self, dag_file: Path, stderr: str) -> None:
        self.dag_file, self.stderr = dag_file, stderr
        super().__init__(f"importing {dag_file} failed:\n{stderr.strip()[-3000:]}")


class BundleError(DagforgeError):
    """The bundle could not be built, or the built bundle does not import cleanly."""


class BundleRefusedError(BundleError):
    """The configs have errors: shipping them would ship error DAGs to MWAA."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.format())

    def format(self) -> str:
        listed = "\n".join(p.format() for p in self.problems)
        return (
            f"{listed}\nbundle refused: the configs have {len(self.problems)} error(s); fix them, "
            "or pass --allow-errors to ship them as error DAGs"
        )


class DemoFailedError(DagforgeError):
    """The demo ran, but not every DAG succeeded or not every output exists."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("demo failed:\n  " + "\n  ".join(self.reasons))


class RunFailedError(DagforgeError):
    """A local run of a DAG did not succeed (``dagforge run``): which task, its error, and the end
    of its log."""

    def __init__(self, dag_id: str, state: str, tasks: str, error: str, log_tail: str) -> None:
        self.dag_id, self.state, self.tasks = dag_id, state, tasks
        self.error, self.log_tail = error, log_tail
        super().__init__(self.format())

    def format(self) -> str:
        failed = f" (failed: {self.tasks})" if self.tasks else ""
        error = f"\n  {self.error}" if self.error else ""
        tail = f"\n--- the end of its log ---\n{self.log_tail}"
        return f"{self.dag_id} ended {self.state}{failed}{error}{tail}"


@dataclass(frozen=True)
class ApiCall:
    """One Airflow REST API call: where it went (``local http://...`` or ``mwaa:ENV``) and what."""

    target: str
    method: str
    path: str


class ApiError(DagforgeError):
    """An Airflow REST API call failed; ``hint`` says what a person can do about it.

    ``status`` is Airflow's own HTTP status (0 when no answer came), ``detail`` the API's
    ``detail`` text.
    """

    def __init__(
        self, call: ApiCall, *, status: int, detail: str, hint: str = "", sent: bool = True
    ) -> None:
        self.call, self.status, self.detail, self.hint = call, status, detail, hint
        self.sent = sent  # False: refused before sending (too large, a path MWAA would refuse)
        super().__init__(self.format())

    def format(self) -> str:
        answered = f"answered {self.status}" if self.status else "got no answer"
        answered = answered if self.sent else "was not sent"
        call = self.call
        text = f"{call.method} {call.path} on {call.target} {answered}: {self.detail}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class ApiAuthError(ApiError):
    """401 or 403: the caller is not signed in, or lacks the Airflow role or IAM action."""


class ApiNotFoundError(ApiError):
    """404: no such DAG, run, Variable or asset (or the DAG is not parsed yet)."""


class ApiConflictError(ApiError):
    """409: the run id or Variable exists already."""


class ApiTimeoutError(ApiError):
    """No answer within the time allowed (MWAA cuts InvokeRestApi calls at 10 s)."""


class ApiTooLargeError(ApiError):
    """A request or an answer is over the size InvokeRestApi carries."""


class DagPausedError(DagforgeError):
    """A run was asked of a paused DAG: it would wait queued until someone unpauses it."""

    def __init__(self, dag_id: str, target: str) -> None:
        self.dag_id, self.target = dag_id, target
        super().__init__(
            f"DAG '{dag_id}' is paused on {target}: a run would stay queued until it is "
            "unpaused\n  hint: add --unpause (or unpause it in the Airflow UI) and trigger again"
        )


class TriggeredRunFailedError(DagforgeError):
    """A run triggered through the API and waited for ended in a state other than success."""

    def __init__(self, dag_id: str, run_id: str, state: str, failed_tasks: Sequence[str]) -> None:
        self.dag_id, self.run_id, self.state = dag_id, run_id, state
        self.failed_tasks = tuple(failed_tasks)
        tasks = f" (failed: {', '.join(self.failed_tasks)})" if self.failed_tasks else ""
        super().__init__(f"run {run_id} of {dag_id} ended {state}{tasks}")


class TargetError(UsageError):
    """``--target`` names nothing dagforge can reach (no local runner, a bad MWAA name)."""


class VariablesFileError(DagforgeError):
    """``variables.yml`` is missing or has errors; ``problems`` lists them."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.message, self.problems = message, tuple(problems)
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join([self.message, *(p.format() for p in self.problems)])


class EventRoutingError(DagforgeError):
    """The events handler's settings (environment name, prefix routes) are missing or wrong."""
