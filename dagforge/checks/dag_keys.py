"""DAG keys as dag-factory 1.1 treats them: what it drops without a word (a warning saying so),
what it still translates, the paths it reads while building (absolute, existing), and values
that are not what they look like (an unquoted date in a free value is a ``date`` object)."""

from __future__ import annotations

import os
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import Any

from dagforge.checks.where import Finding
from dagforge.expand import ExpandedDag
from dagforge.language.dagfactory import (
    DAG_DEPRECATED,
    DAG_NO_EFFECT,
    DAG_OWN,
    DAG_PASSED,
    FILE_PAIRS_DAG,
    FILE_SUFFIX,
    NAME_SUFFIX,
)
from dagforge.language.keys import DATE_KEYS
from dagforge.language.schema import registry
from dagforge.language.walk import tasks_of
from dagforge.load import JsonPath

_PAIRS = {f"{key}{suffix}" for key in FILE_PAIRS_DAG for suffix in (NAME_SUFFIX, FILE_SUFFIX)}
_OFFSET = re.compile(r"\d[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$")


def check_dag_keys(dag: ExpandedDag) -> list[Finding]:
    config = dag.config
    return [
        *_dropped(dag, config),
        *_tasks_present(dag, config),
        *_paths(dag, config),
        *_zones(dag, config),
        *_dates(dag, config),
    ]


def _dropped(dag: ExpandedDag, config: Mapping[str, Any]) -> Iterator[Finding]:
    read = {*DAG_PASSED, *DAG_OWN, *_PAIRS}
    for key in config:
        if key in DAG_DEPRECATED:
            new = DAG_DEPRECATED[key]
            yield _word(
                dag,
                (key,),
                code="deprecated-key",
                message=f"'{key}' is deprecated: dag-factory 1.1 passes it as {new}",
                hint=f"write `{new}: {config[key]}`",
            )
        elif key in DAG_NO_EFFECT:
            yield _word(
                dag,
                (key,),
                code="ignored-key",
                message=f"'{key}' has no effect: {DAG_NO_EFFECT[key]}",
                hint="delete it",
            )
        elif key in registry()["dag"] and key not in read:
            yield _word(
                dag,
                (key,),
                code="ignored-key",
                message=f"dag-factory 1.1 does not pass '{key}' to the DAG: it has no effect",
                hint="delete it, or set it in a DAG written in Python",
            )
    for _, path, task in tasks_of(config):
        if "sla" in task:
            yield _word(
                dag,
                (*path, "sla"),
                code="ignored-key",
                message="'sla' has no effect: SLAs were removed in Airflow 3",
                hint="use a timeout (execution_timeout) or a deadline",
            )


def _word(dag: ExpandedDag, cpath: JsonPath, *, code: str, message: str, hint: str) -> Finding:
    return Finding(
        dag=dag, cpath=cpath, code=code, message=message, hint=hint, key=True, severity="warning"
    )


def _tasks_present(dag: ExpandedDag, config: Mapping[str, Any]) -> Iterator[Finding]:
    if not config.get("tasks"):
        yield Finding(
            dag=dag,
            cpath=(),
            code="no-tasks",
            message=f"DAG '{dag.dag_id}' has no tasks: dag-factory builds it empty",
            hint="add `tasks:` to it",
            key=True,
        )


def _paths(dag: ExpandedDag, config: Mapping[str, Any]) -> Iterator[Finding]:
    doc_file = config.get("doc_md_file_path")
    if isinstance(doc_file, str):
        yield from _path(dag, ("doc_md_file_path",), doc_file, folder=False)
    searchpath = config.get("template_searchpath")
    folders = [searchpath] if isinstance(searchpath, str) else searchpath
    for index, folder in enumerate(folders if isinstance(folders, list) else []):
        where = (
            ("template_searchpath",)
            if isinstance(searchpath, str)
            else ("template_searchpath", index)
        )
        if isinstance(folder, str):
            yield from _path(dag, where, folder, folder=True)
    for _, path, task in tasks_of(config):
        for key in ("inlets", "outlets"):
            assets = task.get(key)
            if isinstance(assets, dict) and isinstance(assets.get("file"), str):
                yield from _path(dag, (*path, key, "file"), assets["file"], folder=False)


def _path(dag: ExpandedDag, cpath: JsonPath, path: str, folder: bool) -> Iterator[Finding]:
    kind = "folder" if folder else "file"
    if not os.path.isabs(path):
        message = (
            f"'{path}' is not an absolute path: dag-factory 1.1 refuses it (or reads it "
            "from wherever Airflow happens to run)"
        )
        yield Finding(
            dag=dag,
            cpath=cpath,
            code="invalid-path",
            message=message,
            hint="write an absolute path, e.g. starting with $AIRFLOW_HOME/",
        )
    elif not (os.path.isdir(path) if folder else os.path.isfile(path)):
        yield Finding(
            dag=dag,
            cpath=cpath,
            code="invalid-path",
            message=f"the {kind} '{path}' "
            "does not exist: dag-factory 1.1 reads it while building the DAG",
            hint="check the path and the environment variables in it",
        )


def _zones(dag: ExpandedDag, config: Mapping[str, Any]) -> Iterator[Finding]:
    places: list[tuple[JsonPath, Any]] = [(("timezone",), config.get("timezone"))]
    default_args = config.get("default_args")
    if isinstance(default_args, dict):
        places.append((("default_args", "timezone"), default_args.get("timezone")))
    for cpath, zone in places:
        if isinstance(zone, str) and not _known_zone(zone):
            yield Finding(
                dag=dag,
                cpath=cpath,
                code="invalid-value",
                message=f"'{zone}' is not a time zone",
                hint="an IANA name such as UTC, Europe/Paris",
            )


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _dates(dag: ExpandedDag, config: Mapping[str, Any]) -> Iterator[Finding]:
    """An offset on a DAG's date is dropped: dag-factory reads the date in ``timezone``."""
    default_args = config.get("default_args")
    places: list[tuple[JsonPath, Any]] = [((key,), config.get(key)) for key in DATE_KEYS]
    if isinstance(default_args, dict):
        places += [(("default_args", key), default_args.get(key)) for key in DATE_KEYS]
    for cpath, value in places:
        if isinstance(value, str) and _OFFSET.search(value.strip()):
            yield Finding(
                dag=dag,
                cpath=cpath,
                code="date-offset",
                message=f"the offset of '{value}' is dropped: dag-factory 1.1 reads the time in "
                "the DAG's timezone (UTC unless `timezone:` says otherwise)",
                hint="write the local time and set `timezone:`",
                severity="warning",
            )
