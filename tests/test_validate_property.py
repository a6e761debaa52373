"""Whatever bytes arrive, validate returns problems: it never raises."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagforge.expand import expand_document
from dagforge.load import load_text
from dagforge.policy import Policy
from dagforge.validate import check_file

SEEDS = [
    p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parent / "corpus").rglob("*.yml"))
]
KEYS = st.sampled_from(
    [
        "schedule",
        "tasks",
        "task_id",
        "operator",
        "dependencies",
        "templates",
        "instances",
        "dag_id",
        "parameters",
        "dag",
        "default",
        "op_kwargs",
        "python_callable",
        "__type__",
        "retry_delay",
        "start_date",
        "schedule_interval",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "NO",
            "@daily",
            "61 * * * *",
            "5m",
            "2024-02-30",
            "{code}",
            "callables.who.x",
            "airflow.operators.bash.BashOperator",
            "os.system",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)


def validate_text(text: str) -> None:
    doc = load_text(text, "f.yml")
    dags, expand_problems = expand_document(doc, [])
    problems = check_file(doc, dags, Policy()) + expand_problems
    assert all(p.code and p.line >= 0 for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_random_structures_give_problems_not_exceptions(data: object) -> None:
    validate_text(yaml.safe_dump({"my_dag": data, "templates": {"t": data}}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=6),
)
def test_mutated_corpus_files_give_problems_not_exceptions(
    seed: str, at: int, cut: int, insert: str
) -> None:
    at %= len(seed) + 1
    validate_text(seed[:at] + insert + seed[at + cut :])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_problems_not_exceptions(text: str) -> None:
    validate_text(text)
