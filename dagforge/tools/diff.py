"""What a change does to the DAG set: the DAGs built at a git ref against those in the working tree.

Both sides go through :func:`dagforge.project.load_project` (pure, no Airflow), so the diff is of
the fully expanded dag-factory configs: a one-line template edit shows up in every DAG it reaches.
The ref's configs are taken with ``git archive`` into a temporary folder, so the repository, its
index and its worktrees are never touched.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagforge.project import load_project
from dagforge.secrets import MASK, masked, sensitive
from dagforge.settings import CONFIGS_DIR_NAME
from dagforge.tools.gitrefs import changed_files, export_tree, repo_root, resolve_ref

# Code the DAGs run: a change here changes no config, but every run.
TASK_CODE = ("callables", "dags")
_VALUE_WIDTH = 60


@dataclass(frozen=True)
class SideDag:
    """One DAG on one side of the diff: its expanded config and where it is defined."""

    config: dict[str, Any]
    file: str
    line: int


@dataclass(frozen=True)
class Side:
    label: str
    dags: dict[str, SideDag]
    errors: int


@dataclass(frozen=True)
class KeyChange:
    path: str
    before: Any
    after: Any


@dataclass
class DagDiff:
    base: Side
    head: Side
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[KeyChange]] = field(default_factory=dict)
    # task code and loader files, against the base
    code_changed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return len(self.head.dags) - len(self.added) - len(self.changed)


def load_side(configs: Path, label: str) -> Side:
    """Every DAG the configs under ``configs`` build, keyed by dag_id."""
    project = load_project([configs], root=configs)
    dags: dict[str, SideDag] = {}
    for result in project.files:
        if result.ok:
            name = result.path.relative_to(configs.resolve()).as_posix()
            for dag in result.dags:
                dags[dag.dag_id] = SideDag(dag.config, f"{configs.name}/{name}", dag.origin.line)
    return Side(label, dags, len(project.report.errors))


def diff_project(project_dir: Path, base_ref: str, configs: str = CONFIGS_DIR_NAME) -> DagDiff:
    """The DAG diff between ``base_ref`` and the working tree of the repository holding
    ``project_dir``.
    """
    repo = repo_root(project_dir)
    commit = resolve_ref(repo, base_ref)
    relative = (project_dir.resolve() / configs).relative_to(repo.resolve()).as_posix()
    with tempfile.TemporaryDirectory(prefix="dagforge-diff-") as tmp:
        base = load_side(export_tree(repo, commit, relative, Path(tmp)), base_ref)
    head_dir = repo / relative
    head = load_side(head_dir, "working tree") if head_dir.is_dir() else Side("working tree", {}, 0)
    result = compare(base, head)
    result.code_changed = changed_files(
        repo,
        commit,
        [(project_dir.resolve() / c).relative_to(repo.resolve()).as_posix() for c in TASK_CODE],
    )
    return result


def compare(base: Side, head: Side) -> DagDiff:
    """DAGs only in ``head`` (added), only in ``base`` (removed), and in both with different
    configs.
    """
    result = DagDiff(base, head)
    result.added = sorted(set(head.dags) - set(base.dags))
    result.removed = sorted(set(base.dags) - set(head.dags))
    for dag_id in sorted(set(base.dags) & set(head.dags)):
        changes = list(key_changes(base.dags[dag_id].config, head.dags[dag_id].config))
        if changes:
            result.changed[dag_id] = changes
    return result


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf paths of a config; task lists are keyed by ``task_id`` so reordering is not a change."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif (
        isinstance(value, list)
        and value
        and all(isinstance(i, Mapping) and "task_id" in i for i in value)
    ):
        for item in value:
            yield from flatten(
                {k: v for k, v in item.items() if k != "task_id"}, f"{prefix}[{item['task_id']}]"
            )
    else:
        yield prefix, value


_ABSENT = object()


def key_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[KeyChange]:
    """Every leaf path whose value differs, absent on one side included, in path order."""
    old, new = dict(flatten(before)), dict(flatten(after))
    for path in sorted(set(old) | set(new)):
        if old.get(path, _ABSENT) != new.get(path, _ABSENT):
            yield KeyChange(path, _shown(path, old), _shown(path, new))


def _shown(path: str, values: Mapping[str, Any]) -> Any:
    """The value at ``path`` as the diff shows it: a secret as ``***`` (still listed as changed)."""
    value = values.get(path, _ABSENT)
    if value is _ABSENT:
        return value
    parts = path.replace("[", ".").replace("]", "").split(".")
    return MASK if any(sensitive(part) for part in parts) else masked(value)


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "*(absent)*"
    text = json.dumps(value, default=str, ensure_ascii=False)
    text = text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _top_keys(changes: list[KeyChange]) -> list[str]:
    return sorted({change.path.split(".")[0].split("[")[0] for change in changes})


def _grouped(changed: dict[str, list[KeyChange]]) -> list[tuple[list[str], list[KeyChange]]]:
    """DAGs with exactly the same changes share one entry: a template edit is shown once."""
    groups: dict[tuple[tuple[str, str, str], ...], list[str]] = {}
    for dag_id, changes in changed.items():
        key = tuple((c.path, _show(c.before), _show(c.after)) for c in changes)
        groups.setdefault(key, []).append(dag_id)
    return [(dag_ids, changed[dag_ids[0]]) for dag_ids in groups.values()]


def format_markdown(diff: DagDiff) -> str:
    """The diff as Markdown for a pull request or a CI job summary."""
    lines = [
        f"## DAG changes against `{diff.base.label}`",
        "",
        f"**{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed, "
        f"{diff.unchanged} unchanged** ({len(diff.base.dags)} DAGs at `{diff.base.label}`, "
        f"{len(diff.head.dags)} in the {diff.head.label})",
    ]
    lines += [line for side in (diff.base, diff.head) for line in _errors_note(side)]
    lines += _listed("Added", [_dag_line(d, diff.head.dags[d]) for d in diff.added])
    lines += _listed("Removed", [_dag_line(d, diff.base.dags[d]) for d in diff.removed])
    lines += _changed_section(diff.changed)
    lines += [] if diff.added or diff.removed or diff.changed else ["", "No DAG changes."]
    lines += _code_section(diff.code_changed)
    return "\n".join(lines) + "\n"


def _errors_note(side: Side) -> list[str]:
    if not side.errors:
        return []
    return [
        "",
        f"> **{side.errors} config error(s) at {side.label}**: DAGs of broken files are left out "
        "of that side; run `dagforge validate` to see them.",
    ]


def _listed(title: str, items: list[str]) -> list[str]:
    return ["", f"### {title}", "", *items] if items else []


def _changed_section(changed: dict[str, list[KeyChange]]) -> list[str]:
    lines = ["", "### Changed"] if changed else []
    for dag_ids, changes in _grouped(changed):
        lines += ["", _changed_heading(dag_ids, changes), "", "| key | before | after |"]
        lines += ["|---|---|---|"]
        lines += [f"| `{c.path}` | {_show(c.before)} | {_show(c.after)} |" for c in changes]
    return lines


def _code_section(code_changed: list[str]) -> list[str]:
    if not code_changed:
        return []
    intro = "Every run of the DAGs using these modules runs the new code:"
    return ["", "### Task code changed", "", intro, "", *(f"- `{n}`" for n in code_changed)]


def _dag_line(dag_id: str, dag: SideDag) -> str:
    return f"- `{dag_id}` ({dag.file}:{dag.line})"


def _changed_heading(dag_ids: list[str], changes: list[KeyChange]) -> str:
    keys = ", ".join(_top_keys(changes))
    names = ", ".join(f"`{d}`" for d in dag_ids)
    count = f" ({len(dag_ids)} DAGs)" if len(dag_ids) > 1 else ""
    return f"- {names}{count}: {keys}"


def as_json(diff: DagDiff) -> dict[str, Any]:
    """The diff as plain data (``--format json``)."""
    return {
        "base": diff.base.label,
        "added": diff.added,
        "removed": diff.removed,
        "changed": {
            dag_id: [
                {
                    "path": c.path,
                    "before": None if c.before is _ABSENT else c.before,
                    "after": None if c.after is _ABSENT else c.after,
                }
                for c in changes
            ]
            for dag_id, changes in diff.changed.items()
        },
        "unchanged": diff.unchanged,
        "errors": {"base": diff.base.errors, "head": diff.head.errors},
        "code_changed": diff.code_changed,
    }
