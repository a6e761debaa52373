"""dagforge describe: a template's parameters, examples and instances."""

from __future__ import annotations

from dagforge.project import load_project
from dagforge.tools.describe import describe_text, templates
from tests.conftest import REPO
from tests.support.scaffolding import cli


def test_describe_shows_parameters_examples_and_instances() -> None:
    found = {t.name: t for t in templates(load_project([REPO / "dagfactory_configs"]))}
    text = describe_text(found["source_ingest"])
    assert "  partition      string  day | month | none" in text
    assert "order_id: int64 required ..." in text  # the first line of the first instance's contract
    assert "instances (4):" in text and "ingest_bike_trips" in text
    done = cli("describe", "who_countr", cwd=REPO)
    assert done.returncode == 2 and "did you mean 'who_country'?" in done.stderr
