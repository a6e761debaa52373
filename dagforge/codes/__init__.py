"""The catalogue of problem codes: every code dagforge reports, its default severity, what it
means, an example, the hint given, and which stage or check reports it.

``validate`` reads the default severities, ``dagforge schema --write`` renders the table in
docs/config-language.md from it, and the tests check that every code the code base can report is
here and every code here can be reported.
"""

from __future__ import annotations

from dagforge.codes.code import Code, Severity
from dagforge.codes.config import CONFIG_CODES
from dagforge.codes.dagfactory import DAGFACTORY_CODES
from dagforge.codes.operate import OPERATE_CODES

__all__ = ["CODES", "STAGES", "Code", "Severity", "default_severity", "markdown_table"]

_CODES = (*CONFIG_CODES, *DAGFACTORY_CODES, *OPERATE_CODES)
CODES: dict[str, Code] = {code.code: code for code in _CODES}


STAGES = ("load", "expand", "project", "compat", "loader", "mwaa", "variables-file")


def default_severity(code: str) -> Severity:
    """The severity ``code`` is reported with unless the reporter says otherwise."""
    return CODES[code].severity


def markdown_table() -> str:
    """The table of codes in docs/config-language.md (generated: ``dagforge schema --write``)."""
    rows = ["| code | what is wrong | example | hint given |", "| --- | --- | --- | --- |"]
    for entry in _CODES:
        name = f"`{entry.code}`" + ("" if entry.severity == "error" else f" ({entry.severity})")
        cells = [name, entry.title, entry.example, entry.hint]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"
