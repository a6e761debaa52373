"""Which values are secrets, and how they are hidden wherever dagforge shows config values.

Keys are judged as Airflow's secrets masker judges them (its default sensitive words, matched
inside the normalised key name), and a password inside a connection URI
(``postgres://user:password@host``) is hidden wherever it appears. Problem messages (which reach
error DAGs' descriptions and docs, every UI viewer, and the logs), ``render`` and ``diff`` all go
through here.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
MIN_LENGTH = 5  # Airflow's min_length_masked_secret
# Airflow's DEFAULT_SENSITIVE_FIELDS (airflow/_shared/secrets_masker), matched the same way.
SENSITIVE_WORDS = frozenset(
    {
        "access_key", "access_token", "api_key", "apikey", "auth_header", "authorization",
        "bearer", "connection_string", "dsn", "passphrase", "passwd", "password", "private_key",
        "proxy", "proxy_password", "proxies", "secret", "service_account", "service_key",
        "token", "keyfile_dict", "webhook_url",
    }
)  # fmt: skip
_URI_PASSWORD = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)(?P<password>[^@\s/]+)@")


def sensitive(key: object) -> bool:
    """Whether values under ``key`` are secrets (Airflow's rule)."""
    if not isinstance(key, str):
        return False
    normalized = re.sub(r"\W+", "_", key.strip().lower())
    return any(word in normalized for word in SENSITIVE_WORDS)


def secrets_in(value: Any, under_sensitive_key: bool = False) -> set[str]:
    """Every secret text inside ``value``: strings under sensitive keys, URI passwords."""
    if isinstance(value, str):
        found = {m.group("password") for m in _URI_PASSWORD.finditer(value)}
        return found | ({value} if under_sensitive_key and value else set())
    found = set()
    for key, item in _children(value):
        found |= secrets_in(item, under_sensitive_key or sensitive(key))
    return found


def _children(value: Any) -> list[tuple[object, Any]]:
    """(key, item) pairs of a mapping, (None, item) of a list, nothing for a scalar."""
    if isinstance(value, dict):
        return list(value.items())
    return [(None, item) for item in value] if isinstance(value, list) else []


def hide(text: str, secrets: set[str]) -> str:
    """``text`` with each secret (longest first) and every URI password replaced by ``***``.
    A secret shorter than :data:`MIN_LENGTH` is replaced only where it is quoted, as Airflow's
    masker leaves short values alone: replacing every "ab" would garble the text, not hide it."""
    for secret in sorted(secrets, key=len, reverse=True):
        for quoted in (repr(secret), f'"{secret}"'):
            text = text.replace(quoted, f"'{MASK}'")
        text = text.replace(secret, MASK) if len(secret) >= MIN_LENGTH else text
    return _URI_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)


def masked(value: Any, under_sensitive_key: bool = False) -> Any:
    """A copy of config data with secret values replaced by ``***`` (for render and diff)."""
    if isinstance(value, dict):
        return {k: masked(v, under_sensitive_key or sensitive(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, under_sensitive_key) for v in value]
    if isinstance(value, str):
        return MASK if under_sensitive_key and value else hide(value, set())
    return MASK if under_sensitive_key and value is not None else value
