from __future__ import annotations

from dagforge.expand import deep_merge, expand_document, substitute
from dagforge.load import load_text

TEMPLATE = """\
default:
  default_args: {owner: file-owner, retries: 2}
templates:
  country:
    dag_id: c_{code|lower}
    parameters: {code: {type: string}, size: {type: integer}}
    dag:
      description: Country {code}
      default_args: {retries: 3}
      tasks:
        - task_id: t
          operator: x.Y
          op_kwargs: {code: "{code}", size: "{size}", date: "{{ ds }}"}
    instances:
      - {code: AU, size: 7}
      - {code: "NO", size: 1, dag: {default_args: {owner: nordics}}}
      - {code: JP}
plain_dag:
  tasks: [{task_id: a, operator: x.Y}]
"""


def _expand() -> tuple[dict[str, dict[str, object]], list[str]]:
    doc = load_text(TEMPLATE, "f.yml")
    dags, problems = expand_document(doc, [{"default_args": {"owner": "project", "pool": "p"}}])
    return {d.dag_id: d.config for d in dags}, [f"{p.code}@{p.line}" for p in problems]


def test_one_dag_per_complete_instance_plus_plain_entries() -> None:
    dags, problems = _expand()
    assert sorted(dags) == ["c_au", "c_no", "plain_dag"]
    assert problems == ["placeholder-missing@17"]


def test_layers_precedence_project_file_template_instance() -> None:
    dags, _ = _expand()
    assert dags["c_au"]["default_args"] == {"owner": "file-owner", "retries": 3, "pool": "p"}
    assert dags["c_no"]["default_args"] == {"owner": "nordics", "retries": 3, "pool": "p"}
    assert dags["plain_dag"]["default_args"] == {"owner": "file-owner", "retries": 2, "pool": "p"}


def test_placeholders_fill_text_keep_types_and_leave_jinja() -> None:
    dags, _ = _expand()
    kwargs = dags["c_au"]["tasks"][0]["op_kwargs"]  # type: ignore[index]
    assert kwargs == {"code": "AU", "size": 7, "date": "{{ ds }}"}
    assert dags["c_no"]["description"] == "Country NO"


def test_substitute_reports_missing_names() -> None:
    missing: list[str] = []
    assert substitute("a-{x}-{y}", {"x": 1}, missing) == "a-1-{y}"
    assert missing == ["y"]


def test_deep_merge_replaces_lists() -> None:
    assert deep_merge({"a": {"b": 1, "l": [1]}}, {"a": {"l": [2]}}) == {"a": {"b": 1, "l": [2]}}


def test_a_dag_id_that_is_one_placeholder_of_a_number_is_text() -> None:
    doc = load_text(
        "templates:\n  n:\n    dag_id: '{n}'\n"
        "    dag:\n      tasks: [{task_id: a, operator: x.Y}]\n"
        "    instances:\n      - {n: 1}\n      - {n: 2}\n",
        "f.yml",
    )
    dags, problems = expand_document(doc, [])
    assert [dag.dag_id for dag in dags] == ["1", "2"] and problems == []
