"""The project's code policy: which code a config may make Airflow import, in one setting.

Configs name Python code in several places (``python_callable``, callbacks, macros, custom
operators, ``__type__`` objects, ``python_callable_file``). dag-factory imports whatever is named;
dagforge imports only what this policy admits, and ``validate``, the loader (full parse and task
run), ``render``, ``diff`` and ``bundle`` all read the same policy through :func:`load_policy`:

- ``dagforge.toml`` in the configs folder (it ships with the configs to MWAA)::

      [policy]
      callable_packages = ["callables", "mycompany.etl"]   # dotted paths configs may name
      types = ["mycompany.types.Thing"]                    # more __type__ classes ("x." = prefix)
      callable_files = ["/usr/local/airflow/dags/legacy"]  # folders python_callable_file may use

- environment variables that replace one entry each (comma-separated):
  ``DAGFORGE_CALLABLE_PACKAGES``, ``DAGFORGE_CALLABLE_TYPES``, ``DAGFORGE_CALLABLE_FILES``.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from dagforge.errors import PolicyError
from dagforge.settings import DEFAULT_CALLABLE_PACKAGES, POLICY_ENV, POLICY_FILE

# ``__type__`` classes every project may build: values, Assets and Airflow timetables.
BUILTIN_TYPES = (
    "builtins.list",  # dag-factory's typed list ({__type__: builtins.list, items: [...]})
    "datetime.date",
    "datetime.datetime",
    "datetime.timedelta",
    "dateutil.relativedelta.relativedelta",
    "airflow.sdk.Asset",
    "airflow.sdk.AssetAlias",
    "airflow.sdk.AssetWatcher",
    "airflow.sdk.ObjectStoragePath",
    "airflow.io.path.ObjectStoragePath",
    "airflow.sdk.definitions.asset.Asset",
    "airflow.sdk.definitions.asset.AssetAlias",
    "airflow.providers.standard.triggers.file.FileDeleteTrigger",
    "airflow.timetables.",  # every Airflow timetable (cron, delta, events, asset-or-time, ...)
)
_KEYS = ("callable_packages", "types", "callable_files")


@dataclass(frozen=True)
class Policy:
    """What configs may name. ``source`` says where it was read, for the messages that cite it."""

    callable_packages: tuple[str, ...] = DEFAULT_CALLABLE_PACKAGES
    types: tuple[str, ...] = ()
    callable_files: tuple[Path, ...] = ()
    source: str = field(default=POLICY_FILE, compare=False)

    def allows_callable(self, dotted: str) -> bool:
        """Whether ``dotted`` lies inside one of the callable packages."""
        return any(dotted.startswith(f"{package}.") for package in self.callable_packages)

    def allows_type(self, name: str) -> bool:
        """Whether ``__type__: name`` may be built (the built-in list or the project's)."""
        return any(
            name == allowed or (allowed.endswith(".") and name.startswith(allowed))
            for allowed in (*BUILTIN_TYPES, *self.types)
        )

    def allows_file(self, path: str) -> bool:
        """Whether the Python file ``path`` lies inside one of the callable file folders."""
        try:
            resolved = Path(path).resolve()
        except (OSError, ValueError):  # not a path at all (an embedded NUL, say)
            return False
        return any(resolved.is_relative_to(folder) for folder in self.callable_files)

    def setting(self, key: str) -> str:
        """How a person changes ``key``: ``callable_packages in dagforge.toml (or $VAR)``."""
        return f"`{key}` in {self.source} (or {POLICY_ENV[key]})"

    def fingerprint(self) -> str:
        text = repr((self.callable_packages, self.types, tuple(map(str, self.callable_files))))
        return hashlib.sha256(text.encode()).hexdigest()


def load_policy(configs: Path | None) -> Policy:
    """The policy of the project whose configs live in ``configs`` (defaults when it has none)."""
    path = configs / POLICY_FILE if configs is not None else None
    table = _read(path) if path is not None and path.is_file() else {}
    base = configs.resolve() if configs is not None else Path.cwd()
    values = {key: _entry(table, key, path) for key in _KEYS}
    packages = values["callable_packages"]
    return Policy(
        callable_packages=tuple(packages) if packages is not None else DEFAULT_CALLABLE_PACKAGES,
        types=tuple(values["types"] or ()),
        callable_files=tuple(
            (base / os.path.expandvars(f)).resolve() for f in values["callable_files"] or ()
        ),
        source=str(path) if path is not None else POLICY_FILE,
    )


def _read(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(path, f"cannot read it: {exc}") from exc
    table = data.get("policy", {})
    if not isinstance(table, dict) or set(table) - set(_KEYS):
        raise PolicyError(path, f"[policy] may hold {', '.join(_KEYS)} only")
    return table


def _entry(table: dict[str, object], key: str, path: Path | None) -> list[str] | None:
    from_env = os.environ.get(POLICY_ENV[key])
    if from_env is not None:
        return [item.strip() for item in from_env.split(",") if item.strip()]
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PolicyError(path, f"`{key}` must be a list of strings")
    return list(value)
