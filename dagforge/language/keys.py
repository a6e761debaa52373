"""What a key means, wherever it appears: the file's sections, friendly durations and dates, and
the arguments that name callables.
"""

from __future__ import annotations

# Top-level keys of a config file that are not dag_ids.
SECTIONS = ("default", "templates")
# dag_ids starting with this are the loader's own error DAGs; configs may not use them.
RESERVED_DAG_PREFIX = "dagforge_config_error__"
# Keys whose value is a duration (``5m``) at DAG, default_args or task level.
DURATION_KEYS = ("retry_delay", "max_retry_delay", "execution_timeout", "dagrun_timeout")
# Keys whose value is a date (``2024-03-01``).
DATE_KEYS = ("start_date", "end_date")
# Task arguments that name a Python function.
CALLABLE_ARGS = ("python_callable", "check_fn", "output_processor")
