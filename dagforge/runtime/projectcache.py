"""The decision of a state of the configs, kept across DAG-processor and task processes.

Airflow's DAG processor re-imports the loader every 30 s in a new process, almost always on
unchanged configs, and on MWAA every task re-imports it too. The decision
(:mod:`dagforge.runtime.decision`) depends only on the config files (their ``$VARS`` expanded, as
dag-factory expands them), the project's code policy and the code that checks them, so it is
stored under a key made of every config and defaults file's path and text plus a fingerprint of
dagforge's code, the schemas, the policy and the code it allows. Any change misses, and the full
check runs again. What is read back is re-checked before anything is built from it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from dagforge.envvars import expand_env
from dagforge.expand import ExpandedDag, Origin
from dagforge.language.typed import from_json_data, has_timestamps, to_json_data
from dagforge.load.files import discover
from dagforge.policy import Policy
from dagforge.problems import Problem
from dagforge.runtime import cache as store
from dagforge.runtime.decision import Broken, Decision
from dagforge.settings import (
    DEFAULTS_NAMES,
    MAX_CONFIG_BYTES,
    PACKAGE_DIR,
    SCHEMAS_DIR,
    VARIABLES_NAMES,
)

_FORMAT = b"dagforge-fingerprint-3"


@cache
def fingerprint(policy: Policy) -> str:
    """A hash of every source file validation reads: dagforge, the schemas, the policy and the
    code it allows (packages and callable files)."""
    roots = [PACKAGE_DIR, SCHEMAS_DIR, *_package_dirs(policy.callable_packages)]
    roots += [folder for folder in policy.callable_files if folder.is_dir()]
    digest = hashlib.sha256(_FORMAT + policy.fingerprint().encode())
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".json") and path.is_file():
                digest.update(f"{path.relative_to(root)}".encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _package_dirs(packages: Iterable[str]) -> list[Path]:
    specs = (importlib.util.find_spec(name) for name in packages)
    return [
        Path(folder)
        for spec in specs
        if spec and spec.submodule_search_locations
        for folder in spec.submodule_search_locations
    ]


def key(configs: Path, policy: Policy) -> str:
    """Everything the decision for ``configs`` depends on: the code and policy, then the path and
    text of each config, defaults and variables file (a file that is not a regular file counts
    by its kind only, and is never opened: it could be a FIFO)."""
    digest = hashlib.sha256(fingerprint(policy).encode())
    paths = [*discover([configs]), *_defaults_files(configs)]
    for path in sorted(set(paths)):
        digest.update(b"\0\0" + str(path.relative_to(configs.absolute())).encode() + b"\0")
        digest.update(_content(path))
    return digest.hexdigest()


_SIDE_FILES = (*DEFAULTS_NAMES, *VARIABLES_NAMES)  # not configs, yet part of the decision


def _defaults_files(configs: Path) -> list[Path]:
    found: list[Path] = []
    for parent, _folders, names in os.walk(configs, followlinks=False):
        found.extend(Path(parent).absolute() / n for n in names if n in _SIDE_FILES)
    return found


def _content(path: Path) -> bytes:
    try:
        resolved = path.resolve()
        status = resolved.stat()
        if not resolved.is_file() or status.st_size > MAX_CONFIG_BYTES:
            return f"<{status.st_mode:o} {status.st_size} {status.st_mtime_ns}>".encode()
        data = resolved.read_bytes()
    except (OSError, RuntimeError) as exc:
        return f"<unreadable: {exc}>".encode()
    try:  # the data depends on the $VARS the text names, as this process sees them
        return str(resolved).encode() + b"\0" + expand_env(data.decode("utf-8")).text.encode()
    except UnicodeDecodeError:
        return str(resolved).encode() + b"\0" + data


def load(material: str, only: str | None = None) -> Decision | None:
    """The decision stored for ``material``, as stored (the caller re-checks it), or None; with
    ``only``, just the part about that dag_id (each accepted DAG is a row of its own, so a task
    run decodes one DAG, not thousands)."""
    stored = store.read(material, only)
    try:
        return _from_json(*stored, only) if stored and isinstance(stored[0], dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def save(material: str, decision: Decision) -> None:
    rows = {dag.dag_id: _dag_json(dag) for dag in decision.accepted}
    store.write(material, _head_json(decision), rows)


def _head_json(decision: Decision) -> dict[str, Any]:
    return {
        "broken": [
            {
                "dag_id": b.dag_id,
                "file": b.file,
                "problems": [asdict(p) for p in b.problems],
                "task_ids": b.task_ids,
            }
            for b in decision.broken
        ],
        "problems": [asdict(p) for p in decision.problems],
    }


def _dag_json(dag: ExpandedDag) -> dict[str, Any]:
    origin = dag.origin
    template = list(origin.template_path) if origin.template_path is not None else None
    where = [origin.file, list(origin.path), origin.line, template, origin.template_line]
    dates = has_timestamps(dag.config)  # YAML dates in free values, kept apart from text
    config = to_json_data(dag.config) if dates else dag.config
    return {"dag_id": dag.dag_id, "config": config, "dates": dates, "origin": where}


def _from_json(data: dict[str, Any], rows: dict[str, Any], only: str | None) -> Decision:
    broken = [
        Broken(
            str(b["dag_id"]),
            str(b["file"]),
            [Problem(**p) for p in b["problems"]],
            [str(task_id) for task_id in b["task_ids"]],
        )
        for b in data["broken"]
    ]
    problems = [Problem(**p) for p in data["problems"]]
    accepted = [_dag_from_json(item) for item in rows.values()]
    decision = Decision(accepted, broken, problems)
    return decision.narrowed(only) if only is not None else decision


def _dag_from_json(item: dict[str, Any]) -> ExpandedDag:
    file, path, line, template_path, template_line = item["origin"]
    template = tuple(template_path) if template_path is not None else None
    origin = Origin(str(file), tuple(path), int(line), template, template_line)
    config = from_json_data(item["config"]) if item.get("dates") else item["config"]
    return ExpandedDag(str(item["dag_id"]), dict(config), origin)
