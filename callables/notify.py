"""Alerts from Airflow callbacks: an SNS message, or a Slack (or any webhook) POST.

Each notifier is a function of the callback's ``context`` and keyword parameters, so configs name it
in either of dag-factory's forms, at DAG, ``default_args`` or task level::

    on_failure_callback: callables.notify.webhook            # the parameters' defaults
    on_failure_callback:                                     # dag-factory passes the rest as
      callback: callables.notify.sns                         # keyword parameters
      topic_arn: arn:aws:sns:eu-west-1:123456789012:data-alerts

SNS goes through the amazon provider's ``SnsHook`` (``aws_conn_id``: the environment's IAM role on
MWAA); the webhook through the HTTP provider's ``HttpHook`` and an Airflow HTTP connection, which
holds the URL (a Slack incoming webhook keeps its secret path there, not in the config). A notifier
that cannot deliver raises: Airflow logs the callback's error with the task's log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["sns", "webhook"]

DEFAULT_HTTP_CONN_ID = "dagforge_alerts"
TOPIC_VARIABLE = "dagforge_alerts_topic_arn"  # the topic when a config names none
_SUBJECT_MAX = 100  # SNS refuses longer subjects


def event(context: Mapping[str, Any]) -> dict[str, Any]:
    """What happened, as plain data: the DAG, run, task, state, try, error and log URL.

    A DAG-level callback's context carries a ``reason`` (``task_failure``, ``success``) and the
    run's state; a task-level one the task instance's state (``failed``, ``up_for_retry``,
    ``success``) and the exception.
    """
    ti, run = context.get("ti"), context.get("dag_run")
    dag_level = "reason" in context
    state = getattr(run, "state", None) if dag_level else getattr(ti, "state", None)
    found = {
        "dag_id": getattr(context.get("dag"), "dag_id", None) or getattr(ti, "dag_id", None),
        "task_id": None if dag_level else getattr(ti, "task_id", None),
        "run_id": context.get("run_id") or getattr(run, "run_id", None),
        "logical_date": str(context.get("logical_date") or ""),
        "state": str(getattr(state, "value", state) or "unknown"),
        "try_number": None if dag_level else getattr(ti, "try_number", None),
        "reason": context.get("reason"),
        "error": _error(context.get("exception")),
        "log_url": None if dag_level else getattr(ti, "log_url", None),
    }
    return {key: value for key, value in found.items() if value not in (None, "")}


def _error(exception: Any) -> str | None:
    if exception is None:
        return None
    return f"{type(exception).__name__}: {exception}"[:1000]


def summary(found: Mapping[str, Any]) -> str:
    """One line: ``ingest_orders.landing_to_raw failed (try 2): ContractError: ...``."""
    what = ".".join(str(found[k]) for k in ("dag_id", "task_id") if k in found)
    tried = f" (try {found['try_number']})" if "try_number" in found else ""
    because = f": {found['error']}" if "error" in found else ""
    reason = f" ({found['reason']})" if "reason" in found else ""
    return f"{what} {found['state']}{reason}{tried}{because}"


def message(found: Mapping[str, Any]) -> str:
    """The summary line, then every field on its own line."""
    lines = [summary(found), ""] + [f"{key}: {value}" for key, value in sorted(found.items())]
    return "\n".join(lines)


def sns(
    context: Mapping[str, Any],
    topic_arn: str | None = None,
    subject: str | None = None,
    aws_conn_id: str = "aws_default",
) -> None:
    """Publish what happened to an SNS topic (through the amazon provider's ``SnsHook``).

    :param context: the callback's context (Airflow passes it).
    :param topic_arn: the topic; by default the Airflow Variable ``dagforge_alerts_topic_arn``.
    :param subject: the e-mail subject; by default the summary line (cut to 100 characters).
    :param aws_conn_id: the AWS connection (the environment's role on MWAA).
    """
    from airflow.providers.amazon.aws.hooks.sns import SnsHook

    found = event(context)
    target = topic_arn or _variable(TOPIC_VARIABLE)
    SnsHook(aws_conn_id=aws_conn_id).publish_to_target(  # type: ignore[no-untyped-call]
        target_arn=target,
        message=message(found),
        subject=(subject or summary(found))[:_SUBJECT_MAX],
        message_attributes={"dag_id": str(found.get("dag_id")), "state": found["state"]},
    )


def webhook(
    context: Mapping[str, Any],
    http_conn_id: str = DEFAULT_HTTP_CONN_ID,
    endpoint: str = "",
    style: str = "slack",
) -> None:
    """POST what happened as JSON to the URL of an Airflow HTTP connection.

    :param context: the callback's context (Airflow passes it).
    :param http_conn_id: the HTTP connection holding the URL (e.g. a Slack incoming webhook's).
    :param endpoint: a path appended to the connection's URL.
    :param style: ``slack`` (``{"text": ...}``, what Slack and Teams-compatible hooks take) or
        ``event`` (the fields as a JSON object, for your own service).
    """
    from airflow.providers.http.hooks.http import HttpHook

    found = event(context)
    if style not in ("slack", "event"):
        raise ValueError(f"style {style!r} is not 'slack' or 'event'")
    link = f"\n<{found['log_url']}|task log>" if "log_url" in found else ""
    text = f"*{summary(found)}*{link}"
    payload = {"text": text} if style == "slack" else found
    HttpHook(method="POST", http_conn_id=http_conn_id).run(
        endpoint,
        data=json.dumps(payload),
        headers={"Content-Type": "application/json"},
        extra_options={"timeout": 10},
    )


def _variable(key: str) -> str:
    from airflow.sdk import Variable

    return str(Variable.get(key))
