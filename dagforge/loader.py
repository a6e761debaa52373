"""The loader's public entry point, kept at this path for DAG files written against it.

``from dagforge.loader import load_dags`` is what ``dags/dagforge_dags.py`` (and teams' own loader
files) import; the loader itself lives in :mod:`dagforge.runtime.loader`.
"""

from __future__ import annotations

from dagforge.runtime.loader import LoadOutcome, load_dags

__all__ = ["LoadOutcome", "load_dags"]
