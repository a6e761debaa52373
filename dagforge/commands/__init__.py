"""The subcommands of the ``dagforge`` CLI: an explicit list, each command one module.

A command module defines ``DESCRIPTION`` (its ``--help`` text), ``configure(parser)`` (its
arguments) and ``run(args) -> int`` (the exit code). Only the module of the command being run is
imported, so ``dagforge --version`` and ``dagforge validate`` never load the demo or Airflow.
Adding a command is adding a module and one line below (a test checks they agree).
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Protocol, cast


class CommandModule(Protocol):
    DESCRIPTION: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


@dataclass(frozen=True)
class Command:
    name: str
    module: str  # under dagforge.commands
    help: str

    def load(self) -> CommandModule:
        return cast(CommandModule, importlib.import_module(f"{__name__}.{self.module}"))


COMMANDS = (
    Command("validate", "validate", "check config files and report every problem"),
    Command("list", "list", "list every dag_id with its source file:line"),
    Command("render", "render", "print the expanded dag-factory config of one DAG"),
    Command("describe", "describe", "show a template's parameters and its instances"),
    Command("new", "new", "scaffold a source from a sample file, a template family, an instance"),
    Command("callables", "callables", "list the callables configs may name, with their signatures"),
    Command("diff", "diff", "compare the DAGs built at a git ref with the working tree"),
    Command("migrate", "migrate", "rewrite dag-factory 0.x YAML into current config"),
    Command("compat", "compat", "report config features that do not work on an Airflow version"),
    Command("compare", "compare", "build configs with plain dag-factory and dagforge, compare"),
    Command("bundle", "bundle", "write the MWAA deployment bundle (dags, requirements, startup)"),
    Command("schema", "schema", "print, write or check the JSON Schema and its reference docs"),
    Command("local-runner", "local_runner", "run the MWAA bundle locally, with or without Docker"),
    Command("trigger", "trigger", "trigger a DAG run through the REST API (local or MWAA)"),
    Command("runs", "runs", "list a DAG's newest runs through the REST API"),
    Command("variables", "variables", "Airflow Variables: list, get, set, delete, sync"),
    Command("asset-event", "asset_event", "record an asset event so the DAGs scheduled on it run"),
    Command("demo", "demo", "run every DAG against a local S3 with sample data"),
    Command("run", "run", "run one DAG in real Airflow on a local S3, on your own file"),
    Command("sample-data", "sample_data", "write WHO-format sample data (with the real traps)"),
)
BY_NAME = {command.name: command for command in COMMANDS}
