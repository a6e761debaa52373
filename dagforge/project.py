"""A project: the config files under one folder, loaded, checked and expanded, with a report.

This is the single core function behind ``validate``, ``list``, ``render`` and the loader DAG.
It never imports Airflow.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagforge.errors import VariablesFileError
from dagforge.expand import ExpandedDag, expand_document
from dagforge.language.variables import VariablesFile, read_variables
from dagforge.load import Document, load_file
from dagforge.problems import Problem, Report
from dagforge.settings import (
    CONFIG_SUFFIXES,
    DEFAULT_CALLABLE_PACKAGES,
    DEFAULTS_NAMES,
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

    def dags(self) -> list[ExpandedDag]:
        """DAGs of every file without errors; a broken file never takes the others down."""
        return [dag for result in self.files if result.ok for dag in result.dags]


def display_name(path: Path) -> str:
    """A path as people and CI annotations want it: relative to the working directory when inside
    it.
    """
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def discover(paths: Sequence[Path]) -> list[Path]:
    """Config files named by ``paths`` (files, or folders searched recursively), sorted."""
    found: set[Path] = set()
    for path in paths:
        candidates: Iterable[Path] = [path] if path.is_file() else path.rglob("*")
        found.update(
            p
            for p in candidates
            if p.suffix in CONFIG_SUFFIXES and p.name not in (*DEFAULTS_NAMES, *VARIABLES_NAMES)
        )
    return sorted(p.resolve() for p in found)


class DefaultsCache:
    """``defaults.yml`` files up the folder tree from a config file to the project root, and the
    nearest ``variables.yml``, each loaded once.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
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
                    doc = load_file(path, display_name(path))
                    doc.problems = check_variables(doc)
                    self.declared[path] = read_variables(path, doc)
                    return self.declared[path]
        return None

    def _load(self, folder: Path) -> Document | None:
        for name in DEFAULTS_NAMES:
            path = folder / name
            if path in self.docs:
                return self.docs[path]
            if path.is_file():
                doc = load_file(path, display_name(path))
                doc.problems = check_defaults(doc)
                self.docs[path] = doc
                return doc
        return None


def load_project(
    paths: Sequence[Path],
    root: Path | None = None,
    *,
    callable_packages: Sequence[str] = DEFAULT_CALLABLE_PACKAGES,
) -> ProjectResult:
    """Load, check and expand every config file under ``paths``; ``root`` bounds the defaults
    search.

    ``callable_packages`` are the only packages a ``python_callable`` may come from.
    """
    root = (root or (paths[0] if len(paths) == 1 and paths[0].is_dir() else Path.cwd())).resolve()
    defaults = DefaultsCache(root)
    report = Report()
    results = [_load_one(path, defaults, tuple(callable_packages)) for path in discover(paths)]
    for result in results:
        report.extend(result.problems)
    for doc in [*defaults.docs.values(), *(v.doc for v in defaults.declared.values())]:
        report.extend(doc.problems)
    report.extend(check_project(dag for result in results for dag in result.dags))
    report.files_checked = len(results)
    report.dags = sum(len(r.dags) for r in results)
    return ProjectResult(root, results, report)


def _load_one(path: Path, defaults: DefaultsCache, packages: tuple[str, ...]) -> FileResult:
    doc = load_file(path, display_name(path))
    if doc.data is None:
        return FileResult(path, doc, problems=list(doc.problems))
    layers = defaults.layers(path)
    layer_data: list[dict[str, Any]] = [d.data for d in layers if isinstance(d.data, dict)]
    dags, expand_problems = expand_document(doc, layer_data)
    checked = check_file(doc, dags, packages, variables=defaults.variables(path))
    problems = [*checked, *expand_problems, *_broken_layers(doc, layers)]
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
