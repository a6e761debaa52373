"""Skip re-checking a project that was clean the last time, across processes.

Airflow's DAG processor re-imports the loader every 30 s in a new process, almost always on
unchanged configs. When a project had no problems at all, its expanded DAGs are stored in the
parse cache (:mod:`dagforge.runtime.parsecache`: JSON, content-addressed) under a key made of every
config file's path and text *and* a fingerprint of everything validation depends on: dagforge's own
code, the schemas, and the allow-listed callables' code. Any change to any of them misses, and the
full check runs again. A project with problems is never cached, so its error DAGs are rebuilt each
time.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from dagforge.envvars import expand_env
from dagforge.expand import ExpandedDag, Origin
from dagforge.language.typed import from_json_data, has_timestamps, to_json_data
from dagforge.policy import Policy, load_policy
from dagforge.runtime import parsecache
from dagforge.settings import CONFIG_SUFFIXES, PACKAGE_DIR, SCHEMAS_DIR

_FORMAT = "dagforge-project-cache-2"


@cache
def fingerprint(policy: Policy) -> str:
    """A hash of every source file validation reads: dagforge, the schemas, the policy and the
    code it allows (packages and callable files)."""
    roots = [PACKAGE_DIR, SCHEMAS_DIR, *_package_dirs(policy.callable_packages)]
    roots += [folder for folder in policy.callable_files if folder.is_dir()]

    digest = hashlib.sha256(_FORMAT.encode() + policy.fingerprint().encode())
    for root in roots:
        for path in sorted(
            p for p in root.rglob("*") if p.suffix in (".py", ".json") and p.is_file()
        ):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_dirs(packages: Iterable[str]) -> list[Path]:
    specs = (importlib.util.find_spec(name) for name in packages)
    return [
        Path(folder)
        for spec in specs
        if spec and spec.submodule_search_locations
        for folder in spec.submodule_search_locations
    ]


def key_material(configs: Path) -> str | None:
    """Everything the expanded DAGs of ``configs`` depend on, as one string (None if unreadable)."""
    parts = [fingerprint(load_policy(configs))]
    try:
        for path in sorted(p for p in configs.rglob("*") if p.suffix in CONFIG_SUFFIXES):
            text = expand_env(path.read_text(encoding="utf-8")).text  # the data depends on $VARS
            parts.append(f"{path.relative_to(configs)}\0{text}")
    except (OSError, UnicodeDecodeError):
        return None
    return "\0\0".join(parts)


def load(material: str) -> list[ExpandedDag] | None:
    data = parsecache.get(material)
    if not isinstance(data, list):
        return None
    return [_from_json(item) for item in data]


def store(material: str, dags: Sequence[ExpandedDag]) -> None:
    parsecache.put(material, [_to_json(dag) for dag in dags])


def _to_json(dag: ExpandedDag) -> dict[str, Any]:
    origin = dag.origin
    dates = has_timestamps(dag.config)
    return {
        "dag_id": dag.dag_id,
        "config": to_json_data(dag.config) if dates else dag.config,
        "dates": dates,
        "origin": [
            origin.file,
            list(origin.path),
            origin.line,
            list(origin.template_path) if origin.template_path is not None else None,
            origin.template_line,
        ],
    }


def _from_json(item: dict[str, Any]) -> ExpandedDag:
    file, path, line, template_path, template_line = item["origin"]
    origin = Origin(
        file,
        tuple(path),
        line,
        tuple(template_path) if template_path is not None else None,
        template_line,
    )
    config = from_json_data(item["config"]) if item.get("dates") else item["config"]
    return ExpandedDag(item["dag_id"], config, origin)
