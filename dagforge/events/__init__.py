"""S3 event notifications into Airflow asset events: ``dagforge.events.handler`` is a
Lambda-compatible handler (``handler(event, context)``) for S3 notifications sent directly or
through SQS. See :mod:`dagforge.events.ingress` and docs/operate.md (with the IAM policy)."""

from __future__ import annotations

from dagforge.events.ingress import handler

__all__ = ["handler"]
