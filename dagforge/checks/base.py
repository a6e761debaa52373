"""The contract every check keeps, and the context it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from dagforge.checks.where import Finding, locate
from dagforge.expand import ExpandedDag
from dagforge.language.variables import VariablesFile
from dagforge.load import Document
from dagforge.policy import Policy
from dagforge.problems import Problem


@dataclass(frozen=True)
class FileContext:
    """What a check sees of one config file: the file as written, the DAGs it expands to, the
    project's policy (which code it may name), and the Variables ``variables.yml`` declares
    (``None`` when the project has no such file)."""

    doc: Document
    dags: Sequence[ExpandedDag]
    policy: Policy
    variables: VariablesFile | None = None


class Check(Protocol):
    """A named check over one config file. Its codes are those :mod:`dagforge.codes` lists with
    this check's name as their source."""

    @property
    def name(self) -> str: ...

    def run(self, file: FileContext) -> Iterable[Problem]: ...


@dataclass(frozen=True)
class FileCheck:
    """A check written as a function of the whole file."""

    name: str
    function: Callable[[FileContext], Iterable[Problem]]

    def run(self, file: FileContext) -> Iterable[Problem]:
        return self.function(file)


@dataclass(frozen=True)
class DagCheck:
    """A check written as a function of one expanded DAG; its findings are located in the file
    (a finding of a template body shared by many DAGs is reported once)."""

    name: str
    function: Callable[[FileContext, ExpandedDag], Iterable[Finding]]

    def run(self, file: FileContext) -> Iterable[Problem]:
        return locate(file.doc, [f for dag in file.dags for f in self.function(file, dag)])
