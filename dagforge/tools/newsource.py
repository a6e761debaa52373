"""``dagforge new source``: a sample file in, a checked source instance out.

The contract is inferred from the sample (:mod:`dagforge.tools.infer`), then the sample is read
against it with the pipeline's own reader (a sample that does not meet the contract inferred from
it is refused, with the reason), the instance is appended to the template's file with the
inference's notes as comments and validated, and the sample is kept under
``samples/<dag_id>/`` so that ``make demo`` and the local runner land it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from callables.contract import load_contract
from callables.ingest import read_landed
from callables.values import ContractError
from dagforge.errors import UsageError
from dagforge.expand import substitute
from dagforge.settings import CONFIGS_DIR_NAME, SAMPLES_DIR_NAME
from dagforge.tools.infer import Inferred, infer
from dagforge.tools.scaffold import append_instance, find_template

DEFAULT_TEMPLATE = "source_ingest"
SAMPLE_KEEP_BYTES = 5_000_000  # larger samples are not copied into the repository
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass
class NewSource:
    dag_id: str
    config: Path
    line: int
    inferred: Inferred
    fields: dict[str, Any]
    sample_kept: Path | None = None
    notes: list[str] = field(default_factory=list)


def landed_name(sample: Path) -> str:
    """The sample's name as one S3 key segment (other characters become ``-``)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", sample.name).lstrip("._-")
    return name if _FILE.fullmatch(name) else "landed.csv"


def new_source(
    project_dir: Path,
    name: str,
    sample: Path,
    template: str = DEFAULT_TEMPLATE,
    overrides: dict[str, str] | None = None,
    dry_run: bool = False,
) -> NewSource:
    """Infer, check, append, validate and keep the sample; see the module docstring."""
    if not _NAME.fullmatch(name):
        raise UsageError(f"source name '{name}' is not lower_snake_case (e.g. bike_trips)")
    data = sample.read_bytes()
    inferred = infer(data, str(sample))
    overrides = dict(overrides or {})
    fields = {
        "source": name,
        "file": overrides.pop("file", landed_name(sample)),
        "format": overrides.pop("format", inferred.format_text()),
        "partition_key": overrides.pop("partition_key", inferred.partition_key),
        "partition": overrides.pop("partition", inferred.partition),
        "columns": inferred.columns_text(),
        **overrides,
    }
    _check_sample(data, fields, sample)
    configs = project_dir / CONFIGS_DIR_NAME
    path = find_template(configs, template)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))["templates"][template]
    fields = _fit(fields, spec, template)
    dag_id = str(substitute(spec["dag_id"], fields, []))
    made = NewSource(dag_id, path, 0, inferred, fields)
    if not dry_run:
        made.line = append_instance(path, template, fields, _comments(made, sample))
        made.sample_kept = _keep(project_dir, dag_id, sample, fields["file"], made.notes)
    return made


def _check_sample(data: bytes, fields: dict[str, Any], sample: Path) -> None:
    try:
        contract = load_contract(
            fields["columns"], fields["format"], fields["partition_key"], fields["partition"]
        )
        read_landed(data, contract, str(sample))
    except ContractError as exc:
        raise UsageError(
            f"the sample does not meet the contract inferred from it: {exc}. Fix the sample (or "
            "pass --set format=... / partition=...) and run this again"
        ) from exc


def _fit(fields: dict[str, Any], spec: dict[str, Any], template: str) -> dict[str, Any]:
    """The fields in the order the template declares them; what it does not declare is refused."""
    declared = list(spec.get("parameters") or {})
    missing = [key for key in declared if key not in fields]
    extra = [key for key in fields if declared and key not in declared]
    if missing or extra:
        raise UsageError(
            f"template '{template}' declares {', '.join(declared)}: "
            + (f"give {', '.join(missing)} with --set KEY=VALUE" if missing else "")
            + (f"it has no {', '.join(extra)}" if extra else "")
        )
    return {key: fields[key] for key in declared} if declared else fields


def _comments(made: NewSource, sample: Path) -> list[str]:
    notes = made.inferred.notes
    lines = [
        f"{made.dag_id}: inferred by dagforge new source from {sample.name} "
        f"({made.inferred.rows} rows): check it",
        f"delimiter {notes.get('delimiter', notes.get('format', ''))}",
        f"encoding {notes['encoding']}",
        f"partition {notes.get('partition', '')}",
    ]
    lines += [
        f"{g.column.name}: {g.reason}" for g in made.inferred.guesses if "AMBIGUOUS" in g.reason
    ]
    return lines


def _keep(project_dir: Path, dag_id: str, sample: Path, name: str, notes: list[str]) -> Path | None:
    if sample.stat().st_size > SAMPLE_KEEP_BYTES:
        notes.append(
            f"sample not kept ({sample.stat().st_size / 1e6:.0f} MB): put a smaller one in "
            f"{SAMPLES_DIR_NAME}/{dag_id}/ for make demo"
        )
        return None
    target = project_dir / SAMPLES_DIR_NAME / dag_id / name
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.iterdir():
        old.unlink()  # one sample per DAG
    shutil.copyfile(sample, target)
    return target
