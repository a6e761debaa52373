"""A project: the config files under one folder, loaded, checked and expanded, with a report.

This is the single core function behind ``validate``, ``list``, ``render`` and the loader DAG.
It never imports Airflow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from dagforge.errors import VariablesFileError
from dagforge.expand import ExpandedDag, expand_document
from dagforge.language.variables import VariablesFile, read_variables
from dagforge.load import Document, load_file
from dagforge.load.files import discover
from dagforge.policy import Policy, load_policy
from dagforge.problems import Problem, Report
from dagforge.settings import (
    CONFIGS_DIR_NAME,
    CONFIGS_ENV,
    DEFAULTS_NAMES,
    MAX_DAGS_PER_FILE,
    MAX_DAGS_PER_PROJECT,
    VARIABLES_NAMES,
)
from dagforge.validate import check_defaults, check_file, check_project, check_variables


@dataclass
class FileResult:
    """One config file: its document, the DAGs it yields, and what is wrong with it."""

    path: Path
    doc: Document
    dags: list[ExpandedDag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class ProjectResult:
    root: Path
    files: list[FileResult]
    report: Report
    policy: Policy = field(default_factory=Policy)

    def dags(self) -> list[ExpandedDag]:
        """DAGs of every file without errors; a broken file never takes the others down."""
        return [dag for result in self.files if result.ok for dag in result.dags]


def display_name(path: Path, base: Path | None = None) -> str:
    """A path as people and CI annotations want it: relative to ``base`` (the loader names files
    relative to the configs folder's parent, whatever its working directory), else to the working
    directory when inside it."""
    if base is not None:
        return os.path.relpath(path, base)
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


class DefaultsCache:
    """``defaults.yml`` files up the folder tree from a config file to the project root, and the
    nearest ``variables.yml``, each loaded once.
    """

    def __init__(self, root: Path, names_from: Path | None = None) -> None:
        self.root = root.resolve()
        self.names_from = names_from
        self.docs: dict[Path, Document] = {}
        self.declared: dict[Path, VariablesFile] = {}

    def layers(self, config_file: Path) -> list[Document]:
        folders = reversed(self._folders(config_file))
        return [doc for folder in folders if (doc := self._load(folder)) is not None]

    def _folders(self, config_file: Path) -> list[Path]:
        folders = [config_file.parent, *config_file.parent.parents]
        return [f for f in folders if f == self.root or f.is_relative_to(self.root)]

    def variables(self, config_file: Path) -> VariablesFile | None:
        """The nearest ``variables.yml`` from ``config_file`` up to the root, loaded once."""
        for folder in self._folders(config_file):
            for path in (folder / name for name in VARIABLES_NAMES):
                if path in self.declared:
                    return self.declared[path]
                if path.is_file():
                    doc = load_file(path, display_name(path, self.names_from), self.root)
                    doc.problems = check_variables(doc)
                    self.declared[path] = read_variables(path, doc)
                    return self.declared[path]
        return None

    def _load(self, folder: Path) -> Document | None:
        for name in DEFAULTS_NAMES:
            path = folder / name
            if path in self.docs:
                return self.docs[path]
            if path.is_file() or path.is_symlink():
                doc = load_file(path, display_name(path, self.names_from), self.root)
                doc.problems = check_defaults(doc)
                self.docs[path] = doc
                return doc
        return None


def project_root(paths: Sequence[Path]) -> Path:
    """The configs folder ``paths`` belong to, wherever the command runs: the nearest folder
    named ``dagfactory_configs`` (the loader's), else ``$DAGFORGE_CONFIGS_DIR`` when they are
    inside it, else the folder given (or the file's own folder)."""
    first = paths[0].resolve() if paths else Path.cwd()
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.parents):
        if folder.name == CONFIGS_DIR_NAME:
            return folder
    configured = os.environ.get(CONFIGS_ENV)
    if configured and start.is_relative_to(Path(configured).resolve()):
        return Path(configured).resolve()
    return start


def load_project(
    paths: Sequence[Path],
    root: Path | None = None,
    *,
    policy: Policy | None = None,
    isolate: bool = False,
    names_from: Path | None = None,
) -> ProjectResult:
    """Load, check and expand every config file under ``paths``; ``root`` (default: the configs
    folder they belong to, see :func:`project_root`) bounds the defaults search, holds the
    policy (:mod:`dagforge.policy`) that says which code configs may name, and symlinked configs
    must lead inside it.

    With ``isolate`` (the loader), a bug of dagforge's met in one file is a problem of that
    file, so it cannot take the other files' DAGs down; without it (the CLI), it is raised.
    """
    root = (root or project_root(paths)).resolve()
    policy = policy if policy is not None else load_policy(root)
    defaults = DefaultsCache(root, names_from)
    report = Report()
    load = partial(_load_isolated if isolate else _load_one, defaults, policy)
    results = _within_project_limit([load(path) for path in discover(paths)])
    for result in results:
        report.extend(result.problems)
    for doc in [*defaults.docs.values(), *(v.doc for v in defaults.declared.values())]:
        report.extend(doc.problems)
    report.extend(check_project(dag for result in results for dag in result.dags))
    report.files_checked = len(results)
    report.dags = sum(len(r.dags) for r in results)
    return ProjectResult(root, results, report, policy)


def _load_one(defaults: DefaultsCache, policy: Policy, path: Path) -> FileResult:
    doc = load_file(path, display_name(path, defaults.names_from), defaults.root)
    if doc.data is None:
        return FileResult(path, doc, problems=list(doc.problems))
    if datasets_file(doc.data):
        note = doc.problem(
            ("datasets",),
            code="datasets-file",
            message="a dag-factory datasets file (names to URIs, read by `file:` references): "
            "it defines no DAG",
            key=True,
        )
        return FileResult(path, doc, problems=[*doc.problems, note])
    layers = defaults.layers(path)
    layer_data: list[dict[str, Any]] = [d.data for d in layers if isinstance(d.data, dict)]
    dags, expand_problems = expand_document(doc, layer_data)
    checked = check_file(doc, dags, policy, variables=defaults.variables(path))
    problems = [*checked, *expand_problems, *_broken_layers(doc, layers)]
    if len(dags) > MAX_DAGS_PER_FILE:
        problems.append(_too_many(doc.file, f"{len(dags)} DAGs, more than {MAX_DAGS_PER_FILE}"))
    return FileResult(path, doc, dags, problems)


def load_variables_file(path: Path) -> VariablesFile:
    """``variables.yml`` at ``path`` for the operating commands, refused with its errors."""
    if not path.is_file():
        raise VariablesFileError(
            f"no {path}: declare the Variables the configs read there (see docs/operate.md)"
        )
    doc = load_file(path, display_name(path))
    errors = [p for p in check_variables(doc) if p.severity == "error"]
    if errors:
        raise VariablesFileError(f"{display_name(path)} has errors; fix them first:", errors)
    return read_variables(path, doc)


def _load_isolated(defaults: DefaultsCache, policy: Policy, path: Path) -> FileResult:
    try:
        return _load_one(defaults, policy, path)
    except Exception as exc:  # a bug of ours, met in this file: it must not hide the others
        name = display_name(path, defaults.names_from)
        problem = Problem(
            file=name,
            code="internal-error",
            message=f"dagforge failed on this file: {type(exc).__name__}: {exc}",
            hint="a bug in dagforge; run 'dagforge validate --debug' on the file and report it",
        )
        return FileResult(path, Document(name), problems=[problem])


def datasets_file(data: Any) -> bool:
    """``datasets: [{name: ..., uri: ...}, ...]`` alone: what dag-factory's ``file:`` reads."""
    items = data.get("datasets") if isinstance(data, dict) and len(data) == 1 else None
    return isinstance(items, list) and all(
        isinstance(item, dict) and {"name", "uri"} <= set(item) for item in items
    )


def _within_project_limit(results: list[FileResult]) -> list[FileResult]:
    """Files whose DAGs would take the project past its limit are broken (in file order)."""
    total = 0
    for result in results:
        if result.ok and total + len(result.dags) > MAX_DAGS_PER_PROJECT:
            why = f"its {len(result.dags)} DAGs take the project past {MAX_DAGS_PER_PROJECT}"
            result.problems.append(_too_many(result.doc.file, why))
        elif result.ok:
            total += len(result.dags)
    return results


def _too_many(file: str, why: str) -> Problem:
    return Problem(
        file=file,
        line=1,
        column=1,
        code="too-many-dags",
        message=f"too many DAGs: {why}",
        hint="MWAA's DAG processor must import every DAG of the loader within 30 s: split the "
        "project across loader files or environments",
    )


def _broken_layers(doc: Document, layers: Sequence[Document]) -> list[Problem]:
    if not any(layer.problems for layer in layers):
        return []
    return [
        Problem(
            file=doc.file,
            code="defaults-invalid",
            message="a defaults.yml file this config inherits from has errors",
            hint="fix the problems reported for that defaults.yml",
        )
    ]
