"""``make bundle``: the tree MWAA (and its local runners) deploy, built from the repository.

Layout of ``build/mwaa/`` (see docs/mwaa.md)::

    dags/                      -> the DAGs S3 prefix (s3://BUCKET/dags/)
      dagforge_dags.py           the loader DAG file(s) from dags/
      dagfactory_configs/        the YAML configs
      dagforge/ callables/       only the modules the DAG files and callables import
      schemas/                   the JSON Schemas dagforge validates against
      .airflowignore             keeps the scheduler from parsing the library folders as DAG files
    requirements/requirements.txt  --constraint line + exact pins for what the MWAA image lacks
    startup/startup.sh         environment for every MWAA component (telemetry off, dagforge
    settings) manifest.json              DAG count, dag_ids, measured parse time, versions, file
    hashes

The parse time is measured by importing ``dags/`` with Airflow's own DagBag in a subprocess in
which ``dagforge`` and ``callables`` can only come from the bundle, so the bundle is proven to be
self-contained.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dagforge import __version__
from dagforge.errors import BundleError, BundleRefusedError
from dagforge.mwaa import localairflow
from dagforge.mwaa.limits import DAGBAG_IMPORT_TIMEOUT
from dagforge.project import load_project
from dagforge.settings import CONFIG_SUFFIXES, CONFIGS_DIR_NAME, OFFLINE_ENV, STRICT_ENV

MWAA_AIRFLOW = "3.3.1"
MWAA_PYTHON = "3.12"
PACKAGES = ("dagforge", "callables")
IGNORED_FOLDERS = (*PACKAGES, "schemas", CONFIGS_DIR_NAME)
DAGFORGE_SETTINGS = {STRICT_ENV: "False"}
PROBE_SCRIPT = Path(__file__).resolve().parent / "bundle_probe.py"


@dataclass(frozen=True)
class BundleOptions:
    project_dir: Path
    out: Path
    airflow_version: str = MWAA_AIRFLOW
    measure: bool = True
    allow_errors: bool = False  # ship configs with errors (as error DAGs) instead of refusing


@dataclass
class ParseProbe:
    """What importing the bundle's dags folder alone, with real Airflow, produced."""

    dag_ids: list[str]
    import_errors: dict[str, str]
    seconds: float
    module_files: dict[str, str]
    measured_on: str = ""  # the Airflow and Python that did the import


@dataclass
class Manifest:
    dagforge_version: str
    airflow_version: str
    python_version: str
    dag_count: int | None = None
    dag_ids: list[str] = field(default_factory=list)
    parse_seconds: float | None = None
    parse_measured_on: str = ""
    dagbag_import_timeout: int = DAGBAG_IMPORT_TIMEOUT
    files: dict[str, str] = field(default_factory=dict)  # bundle-relative path → sha256


def build_bundle(options: BundleOptions) -> Manifest:
    """Write the bundle under ``options.out`` (replacing a previous bundle) and return its
    manifest."""
    project, out = options.project_dir.resolve(), options.out.resolve()
    configs = project / CONFIGS_DIR_NAME
    errors = load_project([configs], root=configs).report.errors
    if errors and not options.allow_errors:
        raise BundleRefusedError(errors)
    _clear(out)
    dags = out / "dags"
    for loader in sorted((project / "dags").glob("*.py")):
        _copy(loader, dags / loader.name)
    _copy_tree(project / CONFIGS_DIR_NAME, dags / CONFIGS_DIR_NAME, CONFIG_SUFFIXES)
    _copy_tree(project / "schemas", dags / "schemas", (".json",))
    for module in sorted(import_closure(project, _roots(project))):
        _copy(project / module, dags / module)
    (dags / ".airflowignore").write_text("".join(f"{name}/\n" for name in IGNORED_FOLDERS))
    _copy(
        requirements_file(project, options.airflow_version),
        out / "requirements" / "requirements.txt",
    )
    _write_startup(out / "startup" / "startup.sh")
    manifest = Manifest(__version__, options.airflow_version, MWAA_PYTHON)
    if options.measure:
        _apply_probe(manifest, probe(dags))
    manifest.files = {
        p.relative_to(out).as_posix(): _sha256(p) for p in sorted(out.rglob("*")) if p.is_file()
    }
    (out / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n")
    return manifest


def _clear(out: Path) -> None:
    """Remove a previous bundle; refuse to delete a folder that does not look like one."""
    if (
        out.exists()
        and any(out.iterdir())
        and not (out / "manifest.json").is_file()
        and not (out / "dags").is_dir()
    ):
        raise BundleError(f"{out} exists and is not a dagforge bundle; choose another --out")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _copy_tree(source: Path, target: Path, suffixes: tuple[str, ...]) -> None:
    """Regular files under ``source``; never a symlink leading outside it, nor what is under a
    symlinked folder (configs that do so are refused by validate and the loader too)."""
    for parent, _folders, names in os.walk(source, followlinks=False):
        for path in sorted(Path(parent) / name for name in names):
            inside = path.resolve().is_relative_to(source.resolve())
            if inside and path.is_file() and path.suffix in suffixes:
                _copy(path, target / path.relative_to(source))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _roots(project: Path) -> list[Path]:
    """The DAG files, and every callable module (tasks import them by dotted path at run time)."""
    return [
        *sorted((project / "dags").glob("*.py")),
        *sorted((project / "callables").rglob("*.py")),
    ]


def import_closure(project: Path, roots: Iterable[Path]) -> set[Path]:
    """Project-relative files of every ``dagforge``/``callables`` module the ``roots`` import,
    transitively.
    """
    found: set[Path] = set()
    todo = list(roots)
    while todo:
        path = todo.pop()
        for name in _imported_modules(path, project):
            for module in _module_files(project, name):
                if module not in found:
                    found.add(module)
                    todo.append(project / module)
    found.update(r.relative_to(project) for r in roots if r.parts[len(project.parts)] in PACKAGES)
    return found


def _imported_modules(path: Path, project: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(project).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parent, *([node.module] if node.module else [])])


def _module_files(project: Path, name: str) -> list[Path]:
    """The files that importing ``name`` loads from the project: each package ``__init__`` and the
    module.
    """
    parts = name.split(".")
    if parts[0] not in PACKAGES:
        return []
    files = []
    for end in range(1, len(parts) + 1):
        stem = Path(*parts[:end])
        for candidate in (stem / "__init__.py", stem.with_suffix(".py")):
            if (project / candidate).is_file():
                files.append(candidate)
    return files


def requirements_file(project: Path, airflow_version: str) -> Path:
    """The committed MWAA requirements for ``airflow_version`` (``tools/mwaa_requirements.py``
    writes it).
    """
    path = project / "requirements" / f"mwaa-{airflow_version}.txt"
    if not path.is_file():
        raise BundleError(
            f"no {path.relative_to(project)}: generate it with tools/mwaa_requirements.py from "
            f"the MWAA {airflow_version} image's bill of materials and Airflow's constraints"
        )
    return path


def startup_script() -> str:
    """MWAA runs this in every component before Airflow starts."""
    exports = "".join(
        f"export {key}={value}\n" for key, value in {**OFFLINE_ENV, **DAGFORGE_SETTINGS}.items()
    )
    return (
        "#!/usr/bin/env bash\n# Written by 'dagforge bundle'. MWAA sources this before every "
        "scheduler, worker and web server\n# start: dag-factory must not call out (MWAA private "
        f"networks have no internet).\n{exports}"
    )


def _write_startup(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(startup_script())
    path.chmod(0o755)


def _apply_probe(manifest: Manifest, result: ParseProbe) -> None:
    if result.import_errors:
        details = "\n".join(
            f"{file}: {text.strip().splitlines()[-1:]}"
            for file, text in result.import_errors.items()
        )
        raise BundleError(f"the bundle's dags folder has import errors:\n{details}")
    manifest.dag_ids, manifest.dag_count = result.dag_ids, len(result.dag_ids)
    manifest.parse_seconds = round(result.seconds, 3)
    manifest.parse_measured_on = result.measured_on


def probe(dags: Path, python: str = sys.executable, timeout: float = 300) -> ParseProbe:
    """Import ``dags`` alone with Airflow's DagBag in a subprocess (working directory elsewhere)."""
    with tempfile.TemporaryDirectory(prefix="dagforge-probe-") as home:
        env = {
            k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("AIRFLOW")
        }
        env.update(localairflow.airflow_env(Path(home), dags, log_level="ERROR"))
        env.update({**OFFLINE_ENV, "PYTHONWARNINGS": "ignore"})
        result = Path(home) / "probe.json"
        done = subprocess.run(
            [python, str(PROBE_SCRIPT), str(dags), str(result)],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise BundleError(f"importing {dags} with Airflow failed:\n{done.stderr[-3000:]}")
        data: dict[str, Any] = json.loads(result.read_text())
    return ParseProbe(**data)
