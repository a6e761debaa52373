"""The forms config values take, as regular expressions: written once, read by the schema generator
(as JSON Schema ``pattern``s) and by the parsers and checks (compiled).
"""

from __future__ import annotations

import re

# What a dag_id or task_id may hold (Airflow's KEY_REGEX, ASCII only, and not only dots: Airflow
# builds log paths from ids), and at most how long it may be.
ID = r"^(?!\.+$)[A-Za-z0-9_.-]+$"
ID_MAX_LENGTH = 250
ID_CHARACTERS = "letters, digits, '_', '.' and '-'"
# A Python dotted path: package.module.name.
DOTTED = r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$"
# Durations: digits with d, h, m, s units in that order, e.g. 30s, 5m, 1h30m, 2d.
DURATION = r"^(?=\d)(\d+d)?(\d+h)?(\d+m)?(\d+s)?$"
DATE = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$"
)
# Schedule presets Airflow accepts, and the words that mean "no schedule".
PRESETS = (
    "@once",
    "@continuous",
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@quarterly",
    "@yearly",
    "@annually",
    "@midnight",
)
NO_SCHEDULE = ("none", "None")
# The shape of a schedule string: a preset, None, or five whitespace-separated cron fields.
CRON = r"^(@\w+|[Nn]one|\S+(\s+\S+){4})$"

ID_RE = re.compile(ID)
DOTTED_RE = re.compile(DOTTED)
DURATION_RE = re.compile(DURATION)


def valid_id(text: str) -> bool:
    """Whether ``text`` is a dag_id or task_id Airflow accepts (see :data:`ID`)."""
    return len(text) <= ID_MAX_LENGTH and ID_RE.match(text) is not None
