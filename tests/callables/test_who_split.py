"""callables.who_split against the local S3: one read, parts by country, markers, idempotency."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from callables import s3 as s3io
from callables import who, who_split
from dagforge.demo import sampledata
from dagforge.demo.s3local import LocalS3
from tests.support.faulty_s3 import Fault, Proxy, faulty_proxy

SPEC = sampledata.Spec(days=150)
SOURCE_KEY = "who/WHO-COVID-19-global-data.csv"
DS = "2024-03-01"
PREFIX = "who/split"


@pytest.fixture
def seeded(bucket: str) -> str:
    s3io.put(s3io.hook(), bucket, SOURCE_KEY, sampledata.csv_bytes(SPEC))
    return bucket


@pytest.fixture
def split(seeded: str) -> dict[str, object]:
    return who_split.split_countries(seeded, SOURCE_KEY, PREFIX, DS)


def _index(bucket: str) -> dict[str, dict[str, object]]:
    index: dict[str, dict[str, object]] = json.loads(
        s3io.get(s3io.hook(), bucket, f"{PREFIX}/date={DS}/_SUCCESS")
    )
    return index


def test_split_writes_a_pack_and_the_index_last(seeded: str, split: dict[str, object]) -> None:
    assert split == {
        "marker_key": f"{PREFIX}/date={DS}/_SUCCESS",
        "pack_key": f"{PREFIX}/date={DS}/countries.pack",
        "parts": SPEC.countries,
        "rows": SPEC.countries * SPEC.days,
    }
    index = _index(seeded)
    assert index["ds"] == DS and index["rows"] == SPEC.countries * SPEC.days
    assert index["countries"]["NA"]["country"] == "Namibia"


def test_other_is_a_part_of_its_own_with_an_empty_code(
    seeded: str, split: dict[str, object]
) -> None:
    other = _index(seeded)["countries"][""]
    assert other["country"] == "Other" and other["rows"] == SPEC.days


@pytest.mark.parametrize("code", ["NA", "NO", "AU", "GB"])
def test_country_from_split_equals_filtering_the_whole_file(
    seeded: str, split: dict[str, object], code: str
) -> None:
    hook = s3io.hook()
    from_split = who_split.country_from_split(code, seeded, PREFIX, "who/a", DS)
    from_file = who.process_country(code, seeded, SOURCE_KEY, "who/b", DS)
    assert s3io.get(hook, seeded, from_split["rows_key"]) == s3io.get(
        hook, seeded, from_file["rows_key"]
    )
    same = {k: v for k, v in from_split.items() if not k.endswith("_key")}
    assert same == {k: v for k, v in from_file.items() if not k.endswith("_key")}
    assert from_split["rows_key"] == f"who/a/country={code}/date={DS}/rows.csv"


def test_part_keeps_types_nulls_negatives_and_dates(seeded: str, split: dict[str, object]) -> None:
    hook = s3io.hook()
    part = who_split.read_part(
        hook, seeded, who_split.read_index(hook, seeded, f"{PREFIX}/date={DS}/_SUCCESS"), "NA"
    )
    assert part.schema == who.schema()
    assert set(part["Country_code"].to_pylist()) == {"NA"} and part["New_cases"].null_count > 0
    assert part["Date_reported"][0].as_py() == dt.date(2020, 1, 3)
    assert part["Date_reported"].to_pylist() == sorted(part["Date_reported"].to_pylist())
    deaths = [
        v
        for code in _index(seeded)["countries"]
        if code
        for v in who_split.read_part(hook, seeded, _full_index(seeded), code)[
            "New_deaths"
        ].to_pylist()
    ]
    assert any(v is not None and v < 0 for v in deaths), "negative corrections survive the split"


def _full_index(bucket: str) -> dict[str, object]:
    return who_split.read_index(s3io.hook(), bucket, f"{PREFIX}/date={DS}/_SUCCESS")


def test_rerun_writes_byte_identical_objects(seeded: str, split: dict[str, object]) -> None:
    hook = s3io.hook()
    keys = (f"{PREFIX}/date={DS}/_SUCCESS", f"{PREFIX}/date={DS}/countries.pack")
    before = [s3io.get(hook, seeded, key) for key in keys]
    assert who_split.split_countries(seeded, SOURCE_KEY, PREFIX, DS) == split
    assert [s3io.get(hook, seeded, key) for key in keys] == before


def test_country_waits_for_the_marker(seeded: str) -> None:
    with pytest.raises(
        who_split.SplitNotReadyError, match="_SUCCESS does not exist: the split for this date"
    ):
        who_split.country_from_split("NA", seeded, PREFIX, "who/countries", DS)
    assert not s3io.hook().check_for_key(f"who/countries/country=NA/date={DS}/summary.json", seeded)


def test_country_absent_from_the_split_is_an_error(seeded: str, split: dict[str, object]) -> None:
    with pytest.raises(who.WhoDataError, match="no rows for country code ZZ"):
        who_split.country_from_split("ZZ", seeded, PREFIX, "who/countries", DS)


def test_a_pack_changed_under_its_index_is_detected(seeded: str, split: dict[str, object]) -> None:
    hook = s3io.hook()
    pack = bytearray(s3io.get(hook, seeded, f"{PREFIX}/date={DS}/countries.pack"))
    offset = _index(seeded)["countries"]["NA"]["offset"]
    assert isinstance(offset, int)
    pack[offset + 10] ^= 0xFF
    s3io.put(hook, seeded, f"{PREFIX}/date={DS}/countries.pack", bytes(pack))
    with pytest.raises(who_split.SplitChangedError, match="changed under its index"):
        who_split.country_from_split("NA", seeded, PREFIX, "who/countries", DS)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda index: b"{not json", "is not JSON"),
        (lambda index: json.dumps({**index, "countries": None}).encode(), "is not a mapping"),
        (
            lambda index: json.dumps({**index, "format": "x"}).encode(),
            "is not a dagforge.who-split",
        ),
        (
            lambda index: json.dumps({**index, "pack_key": SOURCE_KEY}).encode(),
            "is not a dagforge.who-split/1 index of who/split",
        ),
        (
            lambda index: json.dumps(
                {**index, "countries": {**index["countries"], "NA": {"offset": "0"}}}
            ).encode(),
            "the entry of 'NA' is not an offset, a length and a SHA-256",
        ),
        (lambda index: json.dumps({"countries": {}}).encode(), "missing: format, source"),
    ],
)
def test_a_corrupt_index_is_named(
    seeded: str, split: dict[str, object], edit: object, message: str
) -> None:
    marker = f"{PREFIX}/date={DS}/_SUCCESS"
    s3io.put(s3io.hook(), seeded, marker, edit(_index(seeded)))  # type: ignore[operator]
    with pytest.raises(s3io.CorruptObjectError, match=f"s3://{seeded}/{marker}.*{message}"):
        who_split.country_from_split("NA", seeded, PREFIX, "who/countries", DS)


def test_a_header_only_file_fails_the_split_cleanly(bucket: str) -> None:
    s3io.put(s3io.hook(), bucket, SOURCE_KEY, ",".join(who.COLUMNS).encode() + b"\n")
    with pytest.raises(who.WhoDataError, match=f"s3://{bucket}/{SOURCE_KEY}: no data rows"):
        who_split.split_countries(bucket, SOURCE_KEY, PREFIX, DS)


def test_missing_column_fails_naming_it(bucket: str) -> None:
    data = sampledata.csv_bytes(sampledata.Spec(countries=3, days=2)).replace(
        b"New_deaths", b"Deaths_new", 1
    )
    s3io.put(s3io.hook(), bucket, SOURCE_KEY, data)
    with pytest.raises(
        who.WhoDataError, match=r"missing column\(s\) New_deaths.*unexpected: Deaths_new"
    ):
        who_split.split_countries(bucket, SOURCE_KEY, PREFIX, DS)
    assert not s3io.hook().check_for_key(f"{PREFIX}/date={DS}/_SUCCESS", bucket)


def test_bad_codes_and_counts_name_the_rows(bucket: str) -> None:
    rows = list(
        csv.reader(io.StringIO(sampledata.csv_bytes(sampledata.Spec(countries=3, days=2)).decode()))
    )
    rows[2][1] = "nam"
    text = "\n".join(",".join(r) for r in rows) + "\n"
    with pytest.raises(who.WhoDataError, match=r"1 row\(s\) with a Country_code .*line 3: 'nam'"):
        who.read_who(text.encode(), "s3://b/k")
    rows[2][1], rows[3][6] = "AR", "many"
    with pytest.raises(who.WhoDataError, match="New_deaths|many"):
        who.read_who(("\n".join(",".join(r) for r in rows) + "\n").encode(), "s3://b/k")


def test_a_failed_rerun_leaves_no_marker(seeded: str, split: dict[str, object]) -> None:
    s3io.put(s3io.hook(), seeded, SOURCE_KEY, b"Date_reported,Country\n2024-01-01,X\n")
    with pytest.raises(who.WhoDataError):
        who_split.split_countries(seeded, SOURCE_KEY, PREFIX, DS)
    assert not s3io.hook().check_for_key(f"{PREFIX}/date={DS}/_SUCCESS", seeded)
    with pytest.raises(who_split.SplitNotReadyError):
        who_split.country_from_split("NA", seeded, PREFIX, "who/countries", DS)


@pytest.fixture
def proxy(local_s3: LocalS3) -> Iterator[Proxy]:
    import os

    with faulty_proxy(local_s3) as found:
        os.environ["AIRFLOW_CONN_AWS_SPLIT_FLAKY"] = found.local.connection_env("aws_split_flaky")[
            "AIRFLOW_CONN_AWS_SPLIT_FLAKY"
        ]
        yield found
        os.environ.pop("AIRFLOW_CONN_AWS_SPLIT_FLAKY", None)


def test_pack_write_failing_for_good_leaves_no_marker(seeded: str, proxy: Proxy) -> None:
    # 403 is not retried, so the write fails at once, as it would after the retries of a long
    # outage.
    proxy.faults.append(
        Fault(lambda method, path: method == "PUT" and path.endswith("countries.pack"), 403, -1)
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        who_split.split_countries(seeded, SOURCE_KEY, PREFIX, DS, aws_conn_id="aws_split_flaky")
    assert not s3io.hook().check_for_key(f"{PREFIX}/date={DS}/_SUCCESS", seeded)


def test_one_transient_error_per_request_is_absorbed(seeded: str, proxy: Proxy) -> None:
    proxy.faults.extend(
        Fault(lambda method, path, m=m: method == m) for m in ("GET", "PUT", "POST")
    )
    result = who_split.split_countries(
        seeded, SOURCE_KEY, PREFIX, DS, aws_conn_id="aws_split_flaky"
    )
    assert result["parts"] == SPEC.countries
    assert sum(1 for *_, status in proxy.seen if status == 503) == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("split_prefix", "../elsewhere"),
        ("split_prefix", "/abs"),
        ("split_prefix", "s3://other/x"),
        ("ds", "../2024"),
        ("source_key", "../../x.csv"),
        ("bucket", "other/../b"),
    ],
)
def test_split_inputs_cannot_escape(seeded: str, field: str, value: str) -> None:
    args = {
        "bucket": seeded,
        "source_key": SOURCE_KEY,
        "split_prefix": PREFIX,
        "ds": DS,
        field: value,
    }
    with pytest.raises((s3io.UnsafeKeyError, who.WhoDataError)):
        who_split.split_countries(**args)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country_code", "../NA"),
        ("output_prefix", "../x"),
        ("split_prefix", "/who"),
        ("ds", "2024-03-01/../../x"),
    ],
)
def test_country_inputs_cannot_escape(
    seeded: str, split: dict[str, object], field: str, value: str
) -> None:
    args = {
        "country_code": "NA",
        "bucket": seeded,
        "split_prefix": PREFIX,
        "output_prefix": "who/c",
        "ds": DS,
        field: value,
    }
    with pytest.raises((s3io.UnsafeKeyError, who.WhoDataError)):
        who_split.country_from_split(**args)


def test_a_file_with_countries_interleaved_is_grouped(bucket: str) -> None:
    lines = sampledata.csv_bytes(sampledata.Spec(countries=6, days=20)).decode().splitlines()
    interleaved = [
        lines[0],
        *sorted(lines[1:], key=lambda line: (line.split(",")[0], line.split(",")[1])),
    ]
    s3io.put(s3io.hook(), bucket, SOURCE_KEY, ("\n".join(interleaved) + "\n").encode())
    assert who_split.split_countries(bucket, SOURCE_KEY, PREFIX, DS)["parts"] == 6
    hook = s3io.hook()
    for code in ("AR", "BD"):
        from_split = who_split.country_from_split(code, bucket, PREFIX, "who/a", DS)
        from_file = who.process_country(code, bucket, SOURCE_KEY, "who/b", DS)
        assert s3io.get(hook, bucket, from_split["rows_key"]) == s3io.get(
            hook, bucket, from_file["rows_key"]
        )
        assert from_split["rows"] == 20
