"""Subcommands of the ``dagforge`` CLI, one module each, listed in help order."""

from __future__ import annotations

from dagforge.commands import demo, sample_data

COMMANDS = (demo, sample_data)
