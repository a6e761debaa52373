"""dagforge: validated, templated YAML DAGs for Apache Airflow on Amazon MWAA, built with
dag-factory.

Stages, each a module over plain data: ``yamlload`` (files → data + positions), ``validate``
(schema and semantic checks → problems), ``expand`` (templates × instances → plain dag-factory
config), ``build`` (the only stage that imports Airflow and dag-factory).
"""

from __future__ import annotations

__version__ = "0.1.0"
