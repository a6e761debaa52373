"""What ``dagforge new source`` prints: what it inferred and why, where it wrote, what is next."""

from __future__ import annotations

from pathlib import Path

from callables.contract import render_column
from dagforge.tools.newsource import NewSource


def _relative(path: Path, project: Path) -> str:
    return str(path.relative_to(project)) if path.is_relative_to(project) else str(path)


def report(made: NewSource, project: Path, sample: Path, dry_run: bool) -> str:
    inferred = made.inferred
    where = (
        "not written (--dry-run)"
        if dry_run
        else f"appended to {_relative(made.config, project)}:{made.line} (validated: no problems)"
    )
    lines = [f"{made.dag_id}: {where}", f"inferred from {sample} ({inferred.rows} rows read):"]
    about = inferred.notes["format"]
    about = "" if about == inferred.file.name else f"  ({about})"
    notes = {**inferred.notes, "format": f"{made.fields['format']}{about}"}
    width = max(len(key) for key in notes)
    lines += [f"  {key:<{width}}  {value}" for key, value in notes.items()]
    specs = [render_column(g.column).split(": ", 1) for g in inferred.guesses]
    name_width = max(len(name) for name, _ in specs)
    spec_width = max(len(spec) for _, spec in specs)
    lines.append("columns:")
    lines += [
        f"  {name:<{name_width}}  {spec:<{spec_width}}  {guess.reason}"
        for (name, spec), guess in zip(specs, inferred.guesses, strict=True)
    ]
    if made.sample_kept:
        kept = _relative(made.sample_kept, project)
        lines.append(f"sample: kept as {kept} (make demo and the local runner land it)")
    lines += [f"note: {note}" for note in made.notes]
    lines += ["next:", f"  dagforge run {made.dag_id} --land {sample} --out .dagforge/out/"]
    return "\n".join(lines) + "\n"
