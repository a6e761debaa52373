"""Callbacks in dag-factory's three forms: a function, a function with parameters, a notifier."""

from __future__ import annotations

from typing import Any

from airflow.sdk.bases.notifier import BaseNotifier

__all__ = ["ChatNotifier", "announce", "log_context"]


def log_context(context: Any) -> None:
    print("callback", context)


def announce(context: Any, channel: str, text: str = "done") -> None:
    print(channel, text)


class ChatNotifier(BaseNotifier):
    """A notifier: dag-factory builds it with the mapping's parameters."""

    template_fields = ("text",)

    def __init__(self, channel: str, text: str) -> None:
        super().__init__()
        self.channel = channel
        self.text = text

    def notify(self, context: Any) -> None:
        print(self.channel, self.text)
