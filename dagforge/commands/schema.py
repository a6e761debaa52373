"""``dagforge schema``: print, regenerate or check the config schema and its reference docs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dagforge.codes import markdown_table
from dagforge.errors import StaleFilesError
from dagforge.language.schemagen import compose, docs
from dagforge.settings import PACKAGE_DIR, SCHEMA_FILE, SCHEMAS_DIR

DOCS_FILE = PACKAGE_DIR.parent / "docs" / "config-reference.md"
LANGUAGE_DOCS = PACKAGE_DIR.parent / "docs" / "config-language.md"
CODES_START, CODES_END = "<!-- codes:", "<!-- /codes -->"


DESCRIPTION = (
    "The schema is composed from schemas/operators.json (operator signatures read from Airflow "
    "by `python -m dagforge.language.schemagen.introspect`). --write also regenerates "
    "docs/config-reference.md and the table of problem codes in docs/config-language.md."
)


def configure(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="exit 1 when the committed schema or docs are stale"
    )
    mode.add_argument(
        "--write", action="store_true", help="regenerate the schema and docs/config-reference.md"
    )
    mode.add_argument(
        "--docs", action="store_true", help="print the Markdown reference instead of the schema"
    )


def generated() -> dict[Path, str]:
    """Each generated file and the text it should hold."""
    registry = compose.load_registry(SCHEMAS_DIR)
    return {
        SCHEMAS_DIR / SCHEMA_FILE: compose.render(registry),
        DOCS_FILE: docs.render(compose.compose(registry)),
        LANGUAGE_DOCS: with_codes_table(LANGUAGE_DOCS.read_text(encoding="utf-8")),
    }


def with_codes_table(guide: str) -> str:
    """The guide with its table of problem codes regenerated from the catalogue."""
    start = guide.index(CODES_START)
    end = guide.index(CODES_END, start)
    head = guide[: guide.index("\n", start) + 1]
    return head + markdown_table() + guide[end:]


def stale_files() -> list[Path]:
    return [
        path
        for path, text in generated().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def run(args: argparse.Namespace) -> int:
    outputs = generated()
    if args.check:
        stale = stale_files()
        if stale:
            raise StaleFilesError([str(p) for p in stale], "dagforge schema --write")
        return 0
    if args.write:
        for path, text in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            sys.stderr.write(f"wrote {path}\n")
        return 0
    sys.stdout.write(outputs[DOCS_FILE if args.docs else SCHEMAS_DIR / SCHEMA_FILE])
    return 0
