"""Build Airflow DAGs from expanded configs through dag-factory: the only stage that imports them.

Each DAG goes through dag-factory's own ``DagBuilder`` (operators, tasks, dependencies, task
groups, schedules). dagforge drives it per DAG instead of through ``load_yaml_dags`` because it has
already loaded, validated and merged the config, and because ``load_yaml_dags``

- serialises every DAG's whole config with pure-Python ``yaml.dump`` into ``doc_md`` (about 60 %
  of its parse time, and it shows any secret in the config to everyone who can view the DAG), and
- logs a DAG that fails to build and drops it, so it silently vanishes from the UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any

from dagforge import secrets
from dagforge.expand import ExpandedDag
from dagforge.language.keys import DATE_KEYS, DURATION_KEYS
from dagforge.language.typed import construct
from dagforge.language.values import (
    convert_levels,
    parse_date,
    parse_duration,
)
from dagforge.problems import Problem
from dagforge.settings import disable_telemetry


def to_dagfactory(config: dict[str, Any]) -> dict[str, Any]:
    """Turn friendly values and allow-listed ``__type__`` mappings into the Python objects
    dag-factory passes to Airflow (it casts ``__type__`` only when it reads YAML files itself, never
    a config dict)."""
    result = convert_levels(construct(config), _convert)
    result.setdefault("task_groups", {})
    return result


def _convert(mapping: Mapping[str, Any]) -> dict[str, Any]:
    converted = dict(mapping)
    for key in DURATION_KEYS:
        if isinstance(converted.get(key), str):
            converted[key] = parse_duration(converted[key])
    for key in DATE_KEYS:
        if isinstance(converted.get(key), str):
            converted[key] = parse_date(converted[key])
    return converted


def origin_doc(dag: ExpandedDag) -> str:
    """What the DAG's docs say about where it comes from (never the config itself: it may hold
    secrets).
    """
    return f"Built by dagforge from `{dag.origin.describe()}`."


class _MemoConf:
    """Airflow's ``conf``, memoized for one build. dag-factory reads three settings eagerly for
    every DAG (as ``dict.get`` defaults, even when the config sets them); Airflow's lookups are slow
    and their answers cannot change within one parse."""

    _MEMOIZED = frozenset({"get", "getint", "getboolean", "getfloat"})

    def __init__(self, conf: Any) -> None:
        self._conf = conf
        self._memo: dict[tuple[Any, ...], Any] = {}

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._conf, name)
        if name not in self._MEMOIZED:
            return attr

        def memoized(*args: Any, **kwargs: Any) -> Any:
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in self._memo:
                self._memo[key] = attr(*args, **kwargs)
            return self._memo[key]

        return memoized


@contextmanager
def _memoized_airflow_config() -> Iterator[None]:
    from dagfactory import dagbuilder

    original = dagbuilder.configuration
    # type: ignore[assignment]
    dagbuilder.configuration = SimpleNamespace(conf=_MemoConf(original.conf))
    try:
        yield
    finally:
        dagbuilder.configuration = original


@cache
def _airflow_major() -> int:
    from airflow import __version__

    return int(__version__.split(".", 1)[0])


def portable_schedule(config: dict[str, Any]) -> dict[str, Any]:
    """``schedule: [URI, ...]`` on any Airflow: dag-factory 1.1 makes Assets of such a list on
    Airflow 3 only, and on Airflow 2 wants ``{datasets: [...]}`` (which in turn fails on Airflow
    3)."""
    schedule = config.get("schedule")
    uris = (
        isinstance(schedule, list)
        and bool(schedule)
        and all(isinstance(item, str) for item in schedule)
    )
    if uris and _airflow_major() < 3:
        return {**config, "schedule": {"datasets": schedule}}
    return config


def prepare(dag: ExpandedDag) -> dict[str, Any]:
    """The config dag-factory receives: friendly values converted, allow-listed objects built.

    This is dagforge's own work on a validated config: if it fails, that is a bug in dagforge (or
    a config that validation should have refused), never something to blame on dag-factory.
    """
    return portable_schedule(to_dagfactory(dag.config))


def build_prepared(dag: ExpandedDag, config: dict[str, Any]) -> Any:
    """One Airflow DAG from a prepared config, built by dag-factory's ``DagBuilder``."""
    disable_telemetry()
    from dagfactory.dagbuilder import DagBuilder

    built = DagBuilder(dag.dag_id, config, {}).build()["dag"]
    note = origin_doc(dag)
    built.doc_md = f"{built.doc_md}\n\n{note}" if built.doc_md else note
    return built


def build_one(dag: ExpandedDag) -> Any:
    """One Airflow DAG from one expanded config."""
    return build_prepared(dag, prepare(dag))


@dataclass
class BuildOutcome:
    dags: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, Problem] = field(default_factory=dict)  # dag_id → why it was not built


def build_dags(
    dags: Iterable[ExpandedDag], *, strict: bool = False, isolate: bool = False
) -> BuildOutcome:
    """Build every DAG; one dag-factory or Airflow refuses is recorded as ``build-failed`` (or,
    with ``strict``, raised) and never hides the others. Preparing a config is dagforge's own work:
    a failure there is a bug, raised unless ``isolate`` (the loader) makes it ``internal-error``.
    """
    outcome = BuildOutcome()
    disable_telemetry()
    with _memoized_airflow_config():
        for dag in dags:
            try:
                config = prepare(dag)
            except Exception as exc:
                if not isolate:
                    raise
                outcome.failures[dag.dag_id] = _failure(dag, exc, code="internal-error")
                continue
            try:
                outcome.dags[dag.dag_id] = build_prepared(dag, config)
            except Exception as exc:  # dag-factory or Airflow refused it: a visible broken DAG
                if strict:
                    raise
                outcome.failures[dag.dag_id] = _failure(dag, exc, code="build-failed")
    return outcome


def _failure(dag: ExpandedDag, exc: Exception, *, code: str) -> Problem:
    who = "dag-factory could not build" if code == "build-failed" else "dagforge failed on"
    error = secrets.hide(f"{type(exc).__name__}: {exc}", secrets.secrets_in(dag.config))
    return Problem(
        file=dag.origin.file,
        line=dag.origin.line,
        column=1,
        code=code,
        message=f"{who} DAG '{dag.dag_id}': {error}",
        hint="run 'dagforge validate' and 'dagforge render' on this DAG to see the config it got"
        if code == "build-failed"
        else "a bug in dagforge: run 'dagforge render --debug' on this DAG and report it",
    )
