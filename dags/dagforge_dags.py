"""Airflow DAG file: builds every DAG described under dagfactory_configs/ through dag-factory.

Airflow only parses files whose text mentions both "airflow" and "dag"; this docstring does.
The configs are found relative to this file, so the same tree works locally and on MWAA.
"""

from __future__ import annotations

from pathlib import Path

from dagforge.loader import load_dags

load_dags(globals(), Path(__file__).resolve().parent)
