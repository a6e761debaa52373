"""A module named by path (dag-factory's ``<key>_name`` + ``<key>_file`` form)."""

from __future__ import annotations

from typing import Any

__all__ = ["docs_for", "hello", "hello_callback"]


def hello() -> str:
    return "hello"


def hello_callback(context: Any) -> None:
    print("hello from a callback")


def docs_for(team: str, channel: str) -> str:
    return f"Owned by {team}, talk to us in {channel}."
