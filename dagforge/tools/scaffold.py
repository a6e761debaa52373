"""Write new config: an instance appended to a template (keeping the file's comments and layout),
or a new template family; each checked by ``validate`` before it is kept.

The file is edited as text: the YAML is composed (safely) only to find where the template's
instances end and how they are indented, and the instance is written in the style of the last
one (a flow mapping on one line, or a block). If the edited project has problems in that file,
the file is restored and the problems are raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from dagforge.errors import ConfigError, UsageError
from dagforge.project import load_project
from dagforge.settings import CONFIGS_DIR_NAME

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./ -]*")
# Words YAML 1.1 (PyYAML) reads as booleans or null: written quoted ("NO" is Norway).
_YAML_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"}


def find_template(configs: Path, template: str) -> Path:
    """The config file under ``configs`` that defines ``template``."""
    for path in sorted(configs.rglob("*.y*ml")):
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        if _child(_child(node, "templates"), template) is not None:
            return path
    raise UsageError(f"no template '{template}' under {configs}/ (dagforge describe lists them)")


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def scalar(value: Any) -> str:
    """``value`` as a YAML scalar that reads back as the same value under YAML 1.1."""
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    text = str(value)
    plain = _PLAIN.fullmatch(text) and text.strip() == text and not _numberlike(text)
    return text if plain and text.lower() not in _YAML_WORDS else json.dumps(text)


def _numberlike(text: str) -> bool:
    try:
        return not isinstance(yaml.safe_load(text), str)
    except yaml.YAMLError:
        return True


def render_instance(
    fields: Mapping[str, Any], indent: int, flow: bool, comments: Sequence[str] = ()
) -> str:
    """One instance as YAML lines at ``indent`` (the column of its ``-``)."""
    pad = " " * indent
    lines = [f"{pad}# {comment}" for comment in comments]
    if flow and not any(isinstance(v, str) and "\n" in v for v in fields.values()):
        body = ", ".join(f"{key}: {scalar(value)}" for key, value in fields.items())
        return "\n".join([*lines, f"{pad}- {{{body}}}"]) + "\n"
    for number, (key, value) in enumerate(fields.items()):
        lead = f"{pad}- " if number == 0 else f"{pad}  "
        if isinstance(value, str) and "\n" in value:
            block = "".join(f"{pad}    {line}\n" for line in value.rstrip("\n").split("\n"))
            lines.append(f"{lead}{key}: |\n{block.rstrip()}")
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def append_instance(
    path: Path, template: str, fields: Mapping[str, Any], comments: Sequence[str] = ()
) -> int:
    """Append an instance to ``template`` in ``path``; returns the line it starts on (after the
    comments). The project is validated with it, and the file restored if that file has errors."""
    text = path.read_text(encoding="utf-8")
    node = _child(_child(yaml.compose(text, Loader=yaml.SafeLoader), "templates"), template)
    instances = _child(node, "instances")
    if not isinstance(instances, yaml.SequenceNode) or not instances.value:
        raise UsageError(f"template '{template}' in {path} has no instances list to append to")
    last = instances.value[-1]
    indent = last.start_mark.column - 2
    lines = text.splitlines(keepends=True)
    end = _end_line(lines, last)
    block = render_instance(fields, indent, bool(getattr(last, "flow_style", False)), comments)
    new_text = "".join(lines[:end]) + block + "".join(lines[end:])
    _write_checked(path, new_text, text)
    return end + 1 + len(comments)


def _end_line(lines: list[str], last: yaml.Node) -> int:
    """The index of the first line after the last instance (its trailing blank and comment lines
    belong to what follows)."""
    end = last.end_mark.line + (1 if last.end_mark.column > 0 else 0)
    while end > last.start_mark.line + 1 and not lines[end - 1].strip():
        end -= 1
    return min(end, len(lines))


def _write_checked(path: Path, new_text: str, old_text: str) -> None:
    path.write_text(new_text if new_text.endswith("\n") else new_text + "\n", encoding="utf-8")
    configs = _configs_root(path)
    problems = [
        p
        for p in load_project([configs], configs).report.errors
        if Path(p.file).resolve() == path.resolve()
    ]
    if problems:
        path.write_text(old_text, encoding="utf-8")
        raise ConfigError(problems)


def _configs_root(path: Path) -> Path:
    for parent in path.resolve().parents:
        if parent.name == CONFIGS_DIR_NAME:
            return parent
    return path.resolve().parent


def typed_fields(template: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, Any]:
    """``KEY=VALUE`` texts as the types the template declares, in its parameters' order."""
    given_parameters = template.get("parameters")
    declared: dict[str, Any] = given_parameters if isinstance(given_parameters, dict) else {}
    unknown = sorted(set(given) - set(declared)) if declared else []
    if unknown:
        raise UsageError(
            f"the template declares no {', '.join(unknown)}; it has {', '.join(declared)}"
        )
    order = list(declared) or list(given)
    return {key: _typed(given[key], declared.get(key) or {}) for key in order if key in given}


def _typed(text: str, spec: Mapping[str, Any]) -> Any:
    kind = spec.get("type", "string") if isinstance(spec, Mapping) else "string"
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError as exc:
        raise UsageError(f"{text!r} is not a {kind}") from exc
    if kind == "boolean":
        return text.lower() in ("true", "yes", "1")
    return text


FAMILY = """\
# yaml-language-server: $schema=../schemas/dagforge.schema.json
# {name}: one DAG per instance of the template below (scaffolded by dagforge new family).
# Add an instance:  dagforge new instance {name} {example_args}
# Check it:         dagforge validate; see one DAG: dagforge render {name}_example
templates:
  {name}:
    description: What one DAG of this family does (shown by dagforge describe {name}).
    dag_id: {name}_{first_placeholder}
    parameters:
{parameters}
    dag:
      description: {name} for {placeholders}
      schedule: "@daily"
      tags: [{name}, "{name}:{first_placeholder}"]
      # Alerts for every task of this family (callables.notify; docs/callables.md#alerts):
      # default_args:
      #   on_failure_callback:
      #     callback: callables.notify.sns
      #     topic_arn: arn:aws:sns:eu-west-1:123456789012:data-alerts
      #   on_retry_callback: callables.notify.webhook
      tasks:
        - task_id: run
          operator: airflow.providers.standard.operators.bash.BashOperator
          # Values from a config are data: pass them through env, never into the command text.
          # (printenv, not $PARAMS: dag-factory expands $NAMES in the YAML text when it reads it)
          bash_command: >-
            echo "{name} $(printenv PARAMS) for
            {{{{ (dag_run.logical_date or dag_run.run_after) | ds }}}}"
          env: {{PARAMS: "{placeholders}"}}
    instances:
      - {{{example}}}
"""


def new_family(configs: Path, name: str, parameters: Sequence[str]) -> Path:
    """A new config file with one template ``name`` and an example instance, validated."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or not parameters:
        raise UsageError(f"'{name}' is not lower_snake_case, or no --parameter was given")
    path = configs / f"{name}.yml"
    if path.exists():
        raise UsageError(f"{path} exists already: add instances with dagforge new instance")
    bad = [p for p in parameters if not re.fullmatch(r"[a-z][a-z0-9_]*", p)]
    if bad:
        raise UsageError(f"parameter names are lower_snake_case: {', '.join(bad)}")
    lines = [
        f'      {p}: {{type: string, pattern: "^[a-z0-9_]+$", description: "What {p} is"}}'
        for p in parameters
    ]
    text = FAMILY.format(
        name=name,
        first_placeholder="{" + parameters[0] + "}",
        placeholders=" ".join("{" + p + "}" for p in parameters),
        parameters="\n".join(lines),
        example=", ".join(f"{p}: example" for p in parameters),
        example_args=" ".join(f"{p}=..." for p in parameters),
    )
    try:
        _write_checked(path, text, "")
    except ConfigError:
        path.unlink(missing_ok=True)
        raise
    return path
