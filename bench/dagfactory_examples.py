"""dag-factory 1.1's own example and fixture configs through plain dag-factory and dagforge.

Measures the claim in the README: of the example configs that target Airflow 3, how many
dag-factory builds that dagforge accepts and builds identically, and how many dag-factory cannot
build that dagforge refuses. Needs a copy of dag-factory's repository at v1.1.0 (not shipped
here), e.g.::

    git -C <mirror of astronomer/dag-factory> archive v1.1.0 dev tests | tar -x -C /tmp/df
    .venv/bin/python bench/dagfactory_examples.py --source /tmp/df

It works on a temporary copy: its helper modules get the ``__all__`` dagforge's policy requires
(listing their public functions, as a team would add it), and a ``dagforge.toml`` admits them;
its ``tests/schedule`` fragments become one DAG each. Output: ``name: value`` lines, then one line
per config.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

HELPERS = ("sample", "print_hello", "customized", "hacker_news", "pypi_stats", "expand_tasks")
POLICY = "[policy]\ncallable_packages = [{packages}]\ncallable_files = [{files}]\n"
SKIPPED = ("defaults.yml", "example_config_datasets.yml")  # layers and a datasets list: no DAGs
FOLDERS = ("dev/dags", "tests/fixtures", "tests/fixtures_without_default_yaml")


def with_all(module: Path) -> None:
    """Append ``__all__`` of the module's public functions and classes when it has none."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    has_all = any(
        isinstance(node, ast.Assign)
        and any(getattr(t, "id", "") == "__all__" for t in node.targets)
        for node in tree.body
    )
    names = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
    ]
    if not has_all:
        module.write_text(module.read_text(encoding="utf-8") + f"\n__all__ = {names!r}\n")


def prepare(source: Path, work: Path) -> list[tuple[Path, Path]]:
    """The copy to measure, and each (config, its defaults root)."""
    for folder in FOLDERS:
        shutil.copytree(source / folder, work / folder, ignore=shutil.ignore_patterns("airflow2"))
    for module in [*work.rglob("*.py")]:
        with_all(module)
    packages = ", ".join(f'"{name}"' for name in HELPERS)
    files = ", ".join(f'"{work / folder}"' for folder in FOLDERS)
    for folder in (*FOLDERS, "schedule"):
        (work / folder).mkdir(parents=True, exist_ok=True)
        policy = POLICY.format(packages=packages, files=files)
        (work / folder / "dagforge.toml").write_text(policy, encoding="utf-8")
    for fragment in sorted((source / "tests" / "schedule").glob("*.yml")):
        body = "".join(f"  {line}\n" for line in fragment.read_text().splitlines())
        (work / "schedule" / fragment.name).write_text(
            f"schedule_{fragment.stem}:\n  default_args: {{start_date: 2024-01-01}}\n{body}"
            "  tasks:\n    - {task_id: t, operator: "
            "airflow.providers.standard.operators.empty.EmptyOperator}\n",
            encoding="utf-8",
        )
    roots = {folder: work / folder for folder in (*FOLDERS, "schedule")}
    return [
        (path, roots[folder])
        for folder in (*FOLDERS, "schedule")
        for path in sorted(roots[folder].rglob("*.y*ml"))
        if path.name not in SKIPPED and "airflow2" not in path.parts
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="dag-factory v1.1.0 checkout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dagforge-dagfactory-") as tmp:
        work = Path(tmp)
        configs = prepare(args.source.resolve(), work)
        os.environ["CONFIG_ROOT_DIR"] = str(work / "dev" / "dags")
        os.environ["PWD"] = str(work)
        sys.path.insert(0, str(work / "dev" / "dags"))
        with warnings.catch_warnings():  # Airflow's import-time deprecations: not what we measure
            warnings.simplefilter("ignore")
            from dagforge.tools.compare import compare_file  # after sys.path: imports Airflow

            results = [compare_file(path, root) for path, root in configs]
    verdicts = [r.verdict for r in results]
    built = verdicts.count("same") + verdicts.count("differs") + verdicts.count("rejected")
    failing = verdicts.count("refused") + verdicts.count("accepted")
    print(f"example_configs: {len(results)}")
    print(f"dagfactory_builds: {built}")
    print(f"dagforge_accepts_and_builds_identically: {verdicts.count('same')}")
    print(f"dagfactory_cannot_build: {failing}")
    print(f"dagforge_refuses_at_a_line: {verdicts.count('refused')}")
    print(f"disagreements: {len(results) - verdicts.count('same') - verdicts.count('refused')}")
    for result in results:
        detail = result.dagfactory_error or ", ".join(result.dag_ids)
        print(f"  {result.verdict:<9} {result.path.relative_to(work)}  {detail[:110]}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
