"""When each component counts as up, and which components each topology starts."""

from __future__ import annotations

from pathlib import Path

from dagforge.mwaa import topology

HEALTHY = {
    "metadatabase": {"status": "healthy"},
    "scheduler": {"status": "healthy", "latest_scheduler_heartbeat": "2026-12-02T05:00:10+00:00"},
    "dag_processor": {"status": "unhealthy", "latest_dag_processor_heartbeat": None},
}
AT_5H = 1796187600.0  # 2026-12-02T05:00:00Z


def test_a_heartbeat_counts_only_if_it_is_newer_than_the_start() -> None:
    assert topology.is_up("scheduler", HEALTHY, lambda: "", since=AT_5H)
    assert not topology.is_up("scheduler", HEALTHY, lambda: "", since=AT_5H + 60)
    assert not topology.is_up("dag-processor", HEALTHY, lambda: "")
    assert not topology.is_up("triggerer", None, lambda: "")


def test_a_worker_is_up_once_its_log_says_ready() -> None:
    assert not topology.is_up("celery-worker-1", None, lambda: "Connected to sqs")
    assert topology.is_up("celery-worker-1", None, lambda: "celery@host ready.")


def test_workers_have_their_own_names_and_pid_files(tmp_path: Path) -> None:
    workers = topology.worker_components(tmp_path, 2)
    assert [w.name for w in workers] == ["celery-worker-1", "celery-worker-2"]
    assert str(tmp_path / "celery-worker-2.pid") in workers[1].command
    assert {c.name for c in topology.airflow_components("127.0.0.1", 8080)} == set(
        topology.AIRFLOW_COMPONENTS
    )
