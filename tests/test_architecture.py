"""The shape of the package, as docs/architecture.md draws it: small modules, a short top level,
dependencies that only point down, and a runtime that ships without the developer tools."""

from __future__ import annotations

import ast
from pathlib import Path

from dagforge.mwaa.bundle import _roots, import_closure
from dagforge.settings import PACKAGE_DIR
from tests.conftest import REPO

# What each part may import from dagforge (besides itself). The stages at the top come first.
BASE = {"settings", "codes", "errors", "problems", "secrets", "policy"}
STAGES = BASE | {"envvars", "load", "language", "expand", "checks", "validate", "project"}
ALLOWED = {
    "settings": set(),
    "secrets": set(),
    "codes": set(),
    "errors": {"problems"},
    "problems": {"codes"},
    "policy": {"settings", "errors"},
    "envvars": set(),
    "load": BASE | {"envvars"},
    "language": BASE | {"load"},
    "expand": BASE | {"load", "language"},
    "checks": BASE | {"load", "language", "expand"},
    "validate": STAGES,
    "project": STAGES,
    "build": STAGES,
    "runtime": STAGES | {"build"},
    "loader": {"runtime"},
    "reporters": BASE,
    # tools.compare builds with dagforge beside plain dag-factory; reporters draws their tables
    "tools": STAGES | {"build", "reporters"},
    "api": STAGES | {"mwaa.limits"},
    "events": BASE | {"api"},
    "mwaa": STAGES | {"build", "runtime", "api", "demo.s3local", "demo.sampledata", "demo.seed"},
    "demo": STAGES | {"mwaa.localairflow", "reporters"},
    "commands": STAGES
    | {"build", "runtime", "tools", "mwaa", "demo", "reporters", "commands", "api", "events"},
    "cli": {"commands", "errors"},
}


def modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def part_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE_DIR)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def dagforge_imports(path: Path) -> set[str]:
    """Every dagforge module ``path`` imports (``from dagforge.x import y`` counts as ``x.y``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        found.update(n.removeprefix("dagforge.") for n in names if n.startswith("dagforge."))
    return found


def allowed(part: str, target: str) -> bool:
    rules = ALLOWED.get(part, set()) | {part, "__version__"}
    return any(target == rule or target.startswith(f"{rule}.") for rule in rules)


# Data, not code: the catalogue of problem codes is one entry per code, and stays in one place.
DATA_MODULES = {"codes.py"}


def test_no_module_is_over_300_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE_DIR)): len(p.read_text().splitlines()) for p in modules()}
    assert {n: size for n, size in sizes.items() if size > 300 and n not in DATA_MODULES} == {}


def test_the_top_level_holds_the_stages_and_little_else() -> None:
    top = sorted(p.stem for p in PACKAGE_DIR.glob("*.py") if p.stem not in ("__init__", "__main__"))
    stages = {"load", "validate", "expand", "build", "project"}
    assert len(top) <= 13, top
    assert stages <= set(top) | {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir()}


def test_dependencies_only_point_down() -> None:
    wrong = {
        f"{path.relative_to(PACKAGE_DIR)} imports dagforge.{target}"
        for path in modules()
        for target in dagforge_imports(path)
        if part_of(path) not in ("__init__", "__main__") and not allowed(part_of(path), target)
    }
    assert wrong == set()


def test_what_ships_to_mwaa_leaves_the_developer_tools_behind() -> None:
    shipped = {p.as_posix() for p in import_closure(REPO, _roots(REPO))}
    tools = ("dagforge/tools/", "dagforge/mwaa/", "dagforge/demo/", "dagforge/commands/")
    assert [p for p in shipped if p.startswith(tools)] == []
    assert {"dagforge/cli.py", "dagforge/reporters.py"}.isdisjoint(shipped)
    runtime = {p.relative_to(REPO).as_posix() for p in (PACKAGE_DIR / "runtime").glob("*.py")}
    assert runtime <= shipped
