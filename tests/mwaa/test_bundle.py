"""``dagforge bundle``: the MWAA tree holds what the DAGs import, nothing else, and imports
alone."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from dagforge.errors import BundleError, BundleRefusedError
from dagforge.mwaa import localairflow
from dagforge.mwaa.bundle import BundleOptions, build_bundle, import_closure, probe
from tests.conftest import REPO

CONSTRAINT = (
    "--constraint "
    '"https://raw.githubusercontent.com/apache/airflow/constraints-3.3.1/constraints-3.12.txt"'
)


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "mwaa"
    build_bundle(BundleOptions(REPO, out, measure=False))
    return out


def test_dags_folder_holds_loader_configs_code_and_schemas(layout: Path) -> None:
    dags = layout / "dags"
    assert (dags / "dagforge_dags.py").is_file()
    assert (dags / "dagfactory_configs" / "who_countries.yml").is_file()
    assert (dags / "dagfactory_configs" / "defaults.yml").is_file()
    assert (dags / "schemas" / "dagforge.schema.json").is_file()
    assert {"loader.py", "build.py", "__init__.py"} <= {
        p.name for p in (dags / "dagforge").iterdir()
    }
    assert (dags / "callables" / "who.py").is_file()


def test_nothing_the_dags_do_not_import(layout: Path) -> None:
    names = {p.relative_to(layout / "dags").as_posix() for p in (layout / "dags").rglob("*")}
    assert not [
        n for n in names if "__pycache__" in n or n.startswith("tests") or n.endswith(".pyc")
    ]
    for tool in ("cli.py", "demo.py", "bundle.py", "diff.py", "localairflow.py", "commands"):
        assert f"dagforge/{tool}" not in names


def test_library_folders_are_not_parsed_as_dag_files(layout: Path) -> None:
    ignored = (layout / "dags" / ".airflowignore").read_text().split()
    assert ignored == ["dagforge/", "callables/", "schemas/", "dagfactory_configs/"]


def test_airflow_lists_only_the_loader_as_a_dag_file(layout: Path) -> None:
    from airflow.utils.file import list_py_file_paths

    with (
        warnings.catch_warnings()
    ):  # pathspec deprecates the pattern class Airflow 3.3 uses: not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        listed = list_py_file_paths(str(layout / "dags"))
    assert listed == [str(layout / "dags" / "dagforge_dags.py")]


def test_requirements_start_with_the_constraint_and_pin_what_the_image_lacks(layout: Path) -> None:
    lines = (layout / "requirements" / "requirements.txt").read_text().splitlines()
    assert lines[0] == CONSTRAINT
    pins = dict(line.split("==") for line in lines if "==" in line)
    lock = dict(
        line.split("==")
        for line in (REPO / "requirements/lock.txt").read_text().splitlines()
        if "==" in line
    )
    assert {"dag-factory", "pandas", "pyarrow"} <= set(pins)
    assert all(pins[name] == lock[name] for name in ("dag-factory", "pandas", "pyarrow"))
    assert "apache-airflow" not in pins and "boto3" not in pins  # the image has them


def _third_party_imports(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "dagforge", "callables", "airflow"}


@pytest.mark.parametrize("version", ["3.3.1", "2.11.2"])
def test_every_third_party_import_is_in_the_image_or_pinned(layout: Path, version: str) -> None:
    distributions = importlib.metadata.packages_distributions()
    needed = {
        canonicalize_name(d)
        for name in _third_party_imports(layout / "dags")
        for d in distributions[name]
    }
    image = (REPO / "requirements" / f"mwaa-{version}-image.txt").read_text().split()
    pinned = [
        line.split("==")[0]
        for line in (REPO / "requirements" / f"mwaa-{version}.txt").read_text().splitlines()
    ]
    assert needed - {canonicalize_name(n) for n in [*image, *pinned]} == set()


def test_startup_script_turns_telemetry_off_and_is_valid_bash(layout: Path) -> None:
    script = layout / "startup" / "startup.sh"
    assert "export AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY=False" in script.read_text()
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


def test_import_closure_follows_relative_and_nested_imports(tmp_path: Path) -> None:
    for name, text in {
        "dags/d.py": "from dagforge.a import x\n",
        "dagforge/__init__.py": "",
        "dagforge/a.py": "from . import b\ndef f():\n    import dagforge.c\n",
        "dagforge/b.py": "",
        "dagforge/c.py": "",
        "dagforge/unused.py": "",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = {p.as_posix() for p in import_closure(tmp_path, [tmp_path / "dags" / "d.py"])}
    assert found == {"dagforge/__init__.py", "dagforge/a.py", "dagforge/b.py", "dagforge/c.py"}


def test_refuses_to_overwrite_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(BundleError, match="is not a dagforge bundle"):
        build_bundle(BundleOptions(REPO, tmp_path, measure=False))
    assert (tmp_path / "precious.txt").is_file()


def _project_with(tmp_path: Path, name: str, text: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv*", ".git", "build", ".*"))
    (project / "dagfactory_configs" / name).write_text(text)
    return project


def test_refuses_configs_with_errors_unless_told(tmp_path: Path) -> None:
    project = _project_with(tmp_path, "broken.yml", "broken:\n  schedul: x\n")
    with pytest.raises(BundleRefusedError, match="--allow-errors") as refused:
        build_bundle(BundleOptions(project, tmp_path / "out", measure=False))
    assert "broken.yml:2" in refused.value.format() and not (tmp_path / "out").exists()
    build_bundle(BundleOptions(project, tmp_path / "out", measure=False, allow_errors=True))
    assert (tmp_path / "out" / "dags" / "dagfactory_configs" / "broken.yml").is_file()


def test_never_copies_a_config_symlinked_from_outside(tmp_path: Path) -> None:
    (tmp_path / "secret.yml").write_text("stolen: {}\n")
    project = _project_with(tmp_path, "placeholder.yml", "")
    (project / "dagfactory_configs" / "placeholder.yml").unlink()
    (project / "dagfactory_configs" / "link.yml").symlink_to(tmp_path / "secret.yml")
    build_bundle(BundleOptions(project, tmp_path / "out", measure=False, allow_errors=True))
    assert not (tmp_path / "out" / "dags" / "dagfactory_configs" / "link.yml").exists()


@pytest.mark.airflow
def test_bundle_imports_alone_with_the_same_dag_ids(tmp_path: Path) -> None:
    out = tmp_path / "mwaa"
    manifest = build_bundle(BundleOptions(REPO, out))
    source = sorted(localairflow.import_dags(REPO / "dags").dags)
    assert manifest.dag_ids == source and manifest.dag_count == len(source) > 0
    assert (
        manifest.parse_seconds is not None
        and 0 < manifest.parse_seconds < manifest.dagbag_import_timeout
    )
    result = probe(
        out / "dags"
    )  # dagforge and callables resolve inside the bundle, not this repository
    assert all(Path(f).is_relative_to(out / "dags") for f in result.module_files.values())
    recorded = json.loads((out / "manifest.json").read_text())
    assert recorded["dag_count"] == len(source) and "dags/dagforge_dags.py" in recorded["files"]
