"""Render one expanded DAG as the plain dag-factory 1.x YAML it stands for.

Friendly durations become the ``datetime.timedelta`` objects dag-factory reads (``__type__`` form);
dates stay ISO text, which dag-factory parses. Pure and deterministic: the same config renders the
same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from dagforge.expand import ExpandedDag
from dagforge.language.keys import DURATION_KEYS
from dagforge.language.values import convert_levels, parse_duration
from dagforge.secrets import masked


def timedelta_object(text: str) -> dict[str, Any]:
    """``"1h30m"`` → ``{"__type__": "datetime.timedelta", "seconds": 5400}``."""
    return {"__type__": "datetime.timedelta", "seconds": int(parse_duration(text).total_seconds())}


def _plain(mapping: Mapping[str, Any]) -> dict[str, Any]:
    plain = dict(mapping)
    for key in DURATION_KEYS:
        if isinstance(plain.get(key), str):
            plain[key] = timedelta_object(plain[key])
    return plain


def to_plain(config: Mapping[str, Any]) -> dict[str, Any]:
    """The DAG config with friendly durations replaced, at DAG, default_args and task level."""
    return convert_levels(config, _plain)


def render_dag(dag: ExpandedDag) -> str:
    """``dag_id: {config}`` as YAML, headed by a comment naming where it comes from (secret
    values shown as ``***``)."""
    config = to_plain(masked(dag.config))
    body = yaml.safe_dump({dag.dag_id: config}, sort_keys=False, allow_unicode=True, width=100)
    return f"# rendered by dagforge from {dag.origin.describe()}\n{body}"
