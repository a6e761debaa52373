from __future__ import annotations

from dagforge.cli import main
from dagforge.tools.registry import discover
from tests.conftest import REPO


def test_registry_lists_exactly_the_exported_functions() -> None:
    names = [info.dotted for info in discover()]
    assert "callables.who.process_country" in names
    assert not any(name.startswith("callables.s3.") for name in names)  # helpers export nothing
    assert names == sorted(names)


def test_signatures_show_types_not_strings() -> None:
    info = next(i for i in discover() if i.dotted == "callables.who.process_country")
    assert info.signature.startswith("(country_code: str, bucket: str")
    assert "aws_conn_id: str = 'aws_default'" in info.signature
    assert info.summary


def test_generated_reference_is_up_to_date() -> None:
    assert main(["callables", "--check", str(REPO / "docs" / "callables-reference.md")]) == 0, (
        "run: dagforge callables --markdown > docs/callables-reference.md"
    )
