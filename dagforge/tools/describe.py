"""``dagforge describe``: a template's parameters (type, pattern or allowed values, description,
an example from its instances) and the DAGs its instances make, from the loaded project."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dagforge.project import ProjectResult
from dagforge.reporters import columns


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    rule: str  # the pattern, or the allowed values
    description: str
    example: str


@dataclass
class TemplateInfo:
    name: str
    file: str
    line: int
    description: str
    dag_id: str
    parameters: list[Parameter] = field(default_factory=list)
    instances: list[tuple[str, str]] = field(default_factory=list)  # (dag_id, file:line)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": f"{self.file}:{self.line}",
            "description": self.description,
            "dag_id": self.dag_id,
            "parameters": [p.__dict__ for p in self.parameters],
            "instances": [{"dag_id": d, "source": s} for d, s in self.instances],
        }


def templates(project: ProjectResult) -> Iterator[TemplateInfo]:
    """Every template of every file of the project, in file order."""
    for result in project.files:
        data = result.doc.data if isinstance(result.doc.data, dict) else {}
        found = data.get("templates")
        for name, template in found.items() if isinstance(found, dict) else ():
            if not isinstance(template, dict):
                continue
            tpath = ("templates", name)
            info = TemplateInfo(
                name=name,
                file=result.doc.file,
                line=result.doc.mark(tpath, key=True).line,
                description=str(template.get("description", "")),
                dag_id=str(template.get("dag_id", "")),
            )
            info.parameters = list(_parameters(template))
            info.instances = [
                (dag.dag_id, f"{dag.origin.file}:{dag.origin.line}")
                for dag in result.dags
                if dag.origin.template_path == tpath
            ]
            yield info


def _parameters(template: dict[str, Any]) -> Iterator[Parameter]:
    declared = template.get("parameters")
    instances = template.get("instances")
    first = (
        next((i for i in instances if isinstance(i, dict)), {})
        if isinstance(instances, list)
        else {}
    )
    for name, spec in declared.items() if isinstance(declared, dict) else ():
        spec = spec if isinstance(spec, dict) else {}
        rule = spec.get("pattern") or (
            " | ".join(map(str, spec["enum"])) if isinstance(spec.get("enum"), list) else ""
        )
        example = str(first.get(name, "")).strip().split("\n")[0]
        example += " ..." if "\n" in str(first.get(name, "")).strip() else ""
        yield Parameter(
            name,
            str(spec.get("type", "string")),
            str(rule),
            str(spec.get("description", "")),
            example,
        )


def describe_text(info: TemplateInfo) -> str:
    """The template as people read it."""
    lines = [f"{info.name}  ({info.file}:{info.line})"]
    lines += [f"  {info.description}"] if info.description else []
    lines += [f"  dag_id: {info.dag_id}", "", "parameters:"]
    rows = [("name", "type", "pattern / allowed", "description", "example")]
    rows += [(p.name, p.type, p.rule, p.description, p.example) for p in info.parameters]
    lines += ["  " + line for line in columns(rows[0], rows[1:]).splitlines()]
    lines += ["", f"instances ({len(info.instances)}):"]
    width = max((len(dag_id) for dag_id, _ in info.instances), default=0)
    lines += [f"  {dag_id:<{width}}  {where}" for dag_id, where in info.instances]
    return "\n".join(lines) + "\n"
