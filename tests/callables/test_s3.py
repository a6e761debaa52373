"""callables.s3 and the library's contract, against the local S3 over real HTTP."""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from callables import s3 as s3io
from dagforge.demo.s3local import LocalS3
from tests.conftest import REPO
from tests.support.faulty_s3 import Fault, Proxy, faulty_proxy

MODULES = (
    "callables.s3",
    "callables.who",
    "callables.who_split",
    "callables.ingest",
    "callables.contract",
    "callables.fileformat",
    "callables.values",
    "callables.rawdata",
    "callables.notify",
)
FLAKY = "aws_flaky"


@pytest.fixture(scope="module")
def proxy(local_s3: LocalS3) -> Iterator[Proxy]:
    """A fault-injecting proxy in front of the local S3, reached through connection
    ``aws_flaky``."""
    with faulty_proxy(local_s3) as found:
        env = found.local.connection_env(FLAKY)
        os.environ[f"AIRFLOW_CONN_{FLAKY.upper()}"] = env[f"AIRFLOW_CONN_{FLAKY.upper()}"]
        yield found
        os.environ.pop(f"AIRFLOW_CONN_{FLAKY.upper()}", None)


@pytest.fixture
def faults(proxy: Proxy) -> Iterator[list[Fault]]:
    proxy.faults.clear()
    proxy.seen.clear()
    yield proxy.faults
    proxy.faults.clear()


@pytest.mark.parametrize(
    "parts",
    [
        ("../x",),
        ("a/../b",),
        ("s3://other-bucket/x",),
        ("a//b",),
        ("..",),
        ("x?y",),
        ("",),
        (".hidden",),
    ],
)
def test_join_key_refuses_anything_that_leaves_the_prefix(parts: tuple[str, ...]) -> None:
    with pytest.raises(s3io.UnsafeKeyError, match="unsafe S3 key part"):
        s3io.join_key("data/out", *parts)


@pytest.mark.parametrize("part", ["orders.csv\n", "a\nb", "\u0661.csv", "caf\u00e9.csv"])
def test_join_key_refuses_newlines_and_non_ascii(part: str) -> None:
    with pytest.raises(s3io.UnsafeKeyError, match="unsafe S3 key part"):
        s3io.join_key("landing", part)


@pytest.mark.parametrize(
    "ds", ["2024-03-01\n", "\u0662\u0660\u0662\u0664-03-01", "2024-02-30", "2024-13-01", "24-3-1"]
)
def test_check_ds_refuses_what_is_not_a_real_ascii_date(ds: str) -> None:
    with pytest.raises(s3io.UnsafeKeyError, match="logical date"):
        s3io.check_ds(ds)


def test_check_ds_keeps_a_real_date() -> None:
    assert s3io.check_ds("2024-02-29") == "2024-02-29"


def test_join_key_refuses_an_absolute_prefix() -> None:
    with pytest.raises(s3io.UnsafeKeyError, match="drop the leading '/'"):
        s3io.join_key("/etc", "x")


def test_join_key_builds_nested_keys() -> None:
    key = s3io.join_key("who/countries/", "country=NA", "date=2024-03-01")
    assert key == "who/countries/country=NA/date=2024-03-01"


@pytest.mark.parametrize(
    "name", ["s3://other", "other/../mine", "ab", "Upper-Case", "my..bucket", "a/b", "my-bucket\n"]
)
def test_bucket_names_cannot_smuggle_paths(name: str) -> None:
    with pytest.raises(s3io.UnsafeKeyError, match="unsafe bucket name"):
        s3io.check_bucket(name)


def test_put_get_range_delete(bucket: str) -> None:
    hook = s3io.hook()
    s3io.put(hook, bucket, "a/b.bin", b"0123456789")
    assert s3io.get(hook, bucket, "a/b.bin") == b"0123456789"
    assert s3io.get(hook, bucket, "a/b.bin", (2, 4)) == b"234"
    s3io.delete(hook, bucket, "a/b.bin", "a/never-there")
    assert s3io.get_or_none(hook, bucket, "a/b.bin") is None


def test_stream_reads_the_body_in_blocks(bucket: str) -> None:
    s3io.put(s3io.hook(), bucket, "big.bin", bytes(range(256)) * 1000)
    body = s3io.stream(s3io.hook(), bucket, "big.bin")
    assert body.read(10) == bytes(range(10)) and len(body.read()) == 256_000 - 10


@pytest.mark.parametrize("read", [s3io.get, s3io.stream])
def test_missing_object_names_its_address(bucket: str, read: object) -> None:
    with pytest.raises(s3io.MissingObjectError, match=f"s3://{bucket}/nope/x.csv does not exist"):
        read(s3io.hook(), bucket, "nope/x.csv")  # type: ignore[operator]


def test_one_hook_per_connection_and_definition(local_s3: LocalS3) -> None:
    assert s3io.hook() is s3io.hook()
    saved = os.environ["AIRFLOW_CONN_AWS_DEFAULT"]
    try:
        os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = LocalS3("http://127.0.0.1:9").connection_env()[
            "AIRFLOW_CONN_AWS_DEFAULT"
        ]
        other = s3io.hook()
    finally:
        os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = saved
    assert other is not s3io.hook()


def test_a_transient_503_is_retried_and_absorbed(
    bucket: str, faults: list[Fault], proxy: Proxy
) -> None:
    hook = s3io.hook(FLAKY)
    faults.append(Fault(lambda method, path: method == "PUT" and path.endswith("/flaky.txt")))
    faults.append(Fault(lambda method, path: method == "GET" and path.endswith("/flaky.txt")))
    s3io.put(hook, bucket, "flaky.txt", b"still here")
    assert s3io.get(hook, bucket, "flaky.txt") == b"still here"
    statuses = [status for method, path, status in proxy.seen if path.endswith("/flaky.txt")]
    assert statuses == [503, 200, 503, 200]


def test_a_lasting_outage_fails_after_the_retry_budget(
    bucket: str, faults: list[Fault], proxy: Proxy
) -> None:
    faults.append(Fault(lambda method, path: path.endswith("/down.txt"), times=-1))
    with pytest.raises(ClientError, match="ServiceUnavailable"):
        s3io.get(s3io.hook(FLAKY), bucket, "down.txt")
    attempts = len([p for _, p, _ in proxy.seen if p.endswith("/down.txt")])
    assert (
        s3io.RETRY_CONFIG["retries"]["max_attempts"] <= attempts <= 6
    )  # bounded, not an endless loop


@pytest.mark.parametrize("module_name", MODULES)
def test_every_yaml_callable_is_listed_typed_and_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        function = getattr(module, name)
        signature = inspect.signature(function)
        assert function.__doc__, f"{module_name}.{name} has no docstring"
        assert signature.return_annotation is not inspect.Signature.empty
        assert all(p.annotation is not p.empty for p in signature.parameters.values()), name
        if "aws_conn_id" in signature.parameters:
            assert signature.parameters["aws_conn_id"].default == "aws_default"


def test_importing_the_callables_stays_cheap() -> None:
    code = (
        "import sys; import "
        + ", ".join(MODULES)
        + "; heavy = [m for m in ('airflow', 'pandas', 'pyarrow') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""
