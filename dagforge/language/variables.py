"""Variables as code: what ``variables.yml`` declares, read into plain records.

The file lists the environment ``profiles`` and, per Variable key, a ``description``, a
``value`` for every profile or ``values`` per profile, or ``secret: true`` when the value lives
in AWS Secrets Manager (MWAA's secrets backend reads ``airflow/variables/<key>``) and never in
the repository. A value that is not text is stored as JSON, as ``var.json`` reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from dagforge.load import Document
from dagforge.settings import SCHEMAS_DIR

SCHEMA_FILE = "variables.schema.json"
SECRETS_PREFIX = "airflow/variables"  # MWAA's SecretsManagerBackend default variables_prefix


@dataclass(frozen=True)
class Declared:
    """One declared Variable; ``values`` maps each profile with a value to its stored text."""

    key: str
    description: str = ""
    secret: bool = False
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VariablesFile:
    path: Path
    doc: Document
    profiles: tuple[str, ...]
    variables: dict[str, Declared]

    def for_profile(self, profile: str) -> dict[str, Declared]:
        """The Variables that have a value in ``profile`` (secrets never do)."""
        return {k: d for k, d in self.variables.items() if profile in d.values}


def stored(value: Any) -> str:
    """How a declared value is stored in Airflow: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


@cache
def validator() -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / SCHEMA_FILE).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def read_variables(path: Path, doc: Document) -> VariablesFile:
    """The declarations of a loaded ``variables.yml`` (entries of the wrong shape are skipped:
    the checks report them)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    profiles = tuple(str(p) for p in data.get("profiles") or [] if isinstance(p, str))
    entries = data.get("variables")
    entries = entries if isinstance(entries, dict) else {}
    declared = {
        str(key): _declared(str(key), entry, profiles)
        for key, entry in entries.items()
        if isinstance(entry, dict)
    }
    return VariablesFile(path, doc, profiles, declared)


def _declared(key: str, entry: dict[str, Any], profiles: tuple[str, ...]) -> Declared:
    values: dict[str, str] = {}
    if "value" in entry:
        values = dict.fromkeys(profiles, stored(entry["value"]))
    if isinstance(entry.get("values"), dict):
        values.update({str(p): stored(v) for p, v in entry["values"].items()})
    secret = entry.get("secret") is True
    return Declared(key, str(entry.get("description") or ""), secret, {} if secret else values)


def secret_hint(key: str) -> str:
    return (
        f"store it in AWS Secrets Manager as {SECRETS_PREFIX}/{key} (MWAA's secrets backend "
        "reads it there) and write `secret: true` here instead of a value"
    )
