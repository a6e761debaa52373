"""MWAA's control plane, which cannot run here: a real botocore ``mwaa`` client whose answers are
queued with botocore's Stubber, each checked against the exact request expected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import botocore.session
from botocore.stub import Stubber


@contextmanager
def stubbed_mwaa(region: str) -> Iterator[Stubber]:
    """A stubbed ``mwaa`` client in ``region``; every queued answer must have been asked for."""
    client = botocore.session.get_session().create_client(
        "mwaa", region_name=region, aws_access_key_id="a", aws_secret_access_key="b"
    )
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()
