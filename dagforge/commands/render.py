"""``dagforge render DAG_ID``: the fully expanded plain dag-factory config of one DAG, as YAML."""

from __future__ import annotations

import argparse
import sys

from dagforge.commands._options import add_paths, load_from_args
from dagforge.errors import ConfigError, UsageError
from dagforge.language.hints import did_you_mean
from dagforge.tools.render import render_dag

DESCRIPTION = "Print the fully expanded, plain dag-factory YAML of DAG_ID."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dag_id", metavar="DAG_ID")
    add_paths(parser)


def run(args: argparse.Namespace) -> int:
    result = load_from_args(args)
    for file in result.files:
        for dag in file.dags:
            if dag.dag_id == args.dag_id:
                if not file.ok:
                    raise ConfigError(file.problems)
                sys.stdout.write(render_dag(dag))
                return 0
    known = [dag.dag_id for file in result.files for dag in file.dags]
    raise UsageError(
        f"no DAG '{args.dag_id}' in the configs. {did_you_mean(args.dag_id, known)}".strip()
    )
