"""An operator of the project's own, named from YAML like dag-factory's customized operators."""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator

__all__ = ["BakeOperator"]


class BakeOperator(BaseOperator):
    template_fields = ("recipe",)

    def __init__(self, *, recipe: str, minutes: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recipe = recipe
        self.minutes = minutes

    def execute(self, context: Any) -> str:
        return f"{self.recipe} for {self.minutes} minutes"
