"""WHO per-country family: split the global file once, then each country reads only its own part.

Layout for one logical date under ``split_prefix/date=YYYY-MM-DD/``:

- ``countries.pack``: one self-contained Parquet file per country code, concatenated in code order
  (the "Other" rows, whose code is empty, are a part of their own under the code ``""``);
- ``_SUCCESS``: written last, a JSON index ``code -> {offset, length, rows, country, sha256}``.

A country task makes two GETs whatever the number of countries: the marker (which is also the
index), then one ranged GET of its own bytes. The split makes one GET and two PUTs. A re-run for
the same date removes the marker first, so readers never pair an old index with a new pack and a
failed run leaves no marker, then writes byte-identical objects.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from callables import s3 as s3io
from callables import who

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["split_countries", "country_from_split"]

MARKER = "_SUCCESS"
PACK = "countries.pack"
INDEX_FORMAT = "dagforge.who-split/1"


class SplitNotReadyError(RuntimeError):
    """The split for a logical date has no ``_SUCCESS`` marker: it has not run, or it failed."""


class SplitChangedError(RuntimeError):
    """A country's bytes do not match the index: the split was re-run while this task read it."""


def split_keys(split_prefix: str, ds: str) -> tuple[str, str]:
    """``(pack_key, marker_key)`` of the split for logical date ``ds``."""
    base = s3io.join_key(split_prefix, f"date={who.check_ds(ds)}")
    return f"{base}/{PACK}", f"{base}/{MARKER}"


def read_who_arrow(data: bytes, source: str = "<bytes>") -> pa.Table:
    """Parse WHO CSV bytes with pyarrow, typed as :func:`callables.who.read_who_csv` types them.

    Codes stay text (``NA`` is Namibia, "Other" has an empty code), counts are nullable int64
    (empty stays null, negatives are kept), ``Date_reported`` is a date.
    """
    import pyarrow as pa
    from pyarrow import csv

    header = data.split(b"\n", 1)[0].decode("utf-8-sig").strip().split(",")
    who._check_columns(header, source)
    types = {"Date_reported": pa.date32(), "Country_code": pa.string(), "Country": pa.string(),
             "WHO_region": pa.string(), **{col: pa.int64() for col in who.COUNT_COLUMNS}}
    options = csv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                 include_columns=list(who.COLUMNS))
    try:
        table = csv.read_csv(io.BytesIO(data), convert_options=options)
    except pa.ArrowInvalid as exc:
        raise who.WhoDataError(f"{source}: {exc}") from exc
    _check_codes(table, source)
    return table


def _check_codes(table: pa.Table, source: str) -> None:
    import pyarrow.compute as pc

    bad = pc.invert(pc.match_substring_regex(table["Country_code"], r"^([A-Z]{2})?$"))
    rows = pc.indices_nonzero(bad).to_pylist()
    if rows:
        values = table["Country_code"].take(rows[:5]).to_pylist()
        shown = ", ".join(f"line {row + 2}: {value!r}" for row, value in zip(rows[:5], values, strict=True))
        raise who.WhoDataError(f"{source}: {len(rows)} row(s) with a Country_code that is neither two capital "
                               f"letters nor empty ({shown})")


def pack_countries(table: pa.Table) -> tuple[bytes, dict[str, dict[str, Any]]]:
    """Sort by code then date; one Parquet file per code, concatenated; and the index of the parts."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = table.take(pc.sort_indices(table, [("Country_code", "ascending"), ("Date_reported", "ascending")]))
    runs = pc.run_end_encode(table["Country_code"].combine_chunks())  # sorted: one run per code
    pack = io.BytesIO()
    index: dict[str, dict[str, Any]] = {}
    start = 0
    for code, end in zip(runs.values.to_pylist(), runs.run_ends.to_pylist(), strict=True):
        part = table.slice(start, end - start)
        offset = pack.tell()
        pq.write_table(part, pack, compression="snappy")
        blob = pack.getbuffer()[offset:]
        index[code] = {"offset": offset, "length": len(blob), "rows": end - start,
                       "country": part["Country"][0].as_py(), "sha256": hashlib.sha256(blob).hexdigest()}
        blob.release()
        start = end
    return pack.getvalue(), index


def split_countries(bucket: str, source_key: str, split_prefix: str, ds: str,
                    aws_conn_id: str = s3io.DEFAULT_CONN_ID) -> dict[str, Any]:
    """Read the WHO file once; write every country's rows (Parquet) and the ``_SUCCESS`` index last.

    :param bucket: bucket holding both the source file and the split.
    :param source_key: key of the WHO CSV in ``bucket``.
    :param split_prefix: where the split goes; outputs land under ``split_prefix/date=<ds>/``.
    :param ds: the logical date (``YYYY-MM-DD``), part of every output key.
    :param aws_conn_id: Airflow connection to S3.
    :returns: the marker and pack keys, the number of parts and of rows.
    """
    pack_key, marker_key = split_keys(split_prefix, ds)
    s3io.join_key(source_key)
    hook = s3io.hook(aws_conn_id)
    s3io.delete(hook, bucket, marker_key)  # from here until the new marker, readers wait; a failure leaves none
    source = f"s3://{bucket}/{source_key}"
    pack, index = pack_countries(read_who_arrow(s3io.get(hook, bucket, source_key), source))
    marker = {"format": INDEX_FORMAT, "source": source, "ds": ds, "pack_key": pack_key,
              "rows": sum(part["rows"] for part in index.values()), "countries": index}
    s3io.put(hook, bucket, pack_key, pack)
    s3io.put(hook, bucket, marker_key, (json.dumps(marker, sort_keys=True) + "\n").encode())
    return {"marker_key": marker_key, "pack_key": pack_key, "parts": len(index), "rows": marker["rows"]}


def read_index(hook: Any, bucket: str, marker_key: str) -> dict[str, Any]:
    """The split's index from its ``_SUCCESS`` marker; no marker means the split is not complete."""
    raw = s3io.get_or_none(hook, bucket, marker_key)
    if raw is None:
        raise SplitNotReadyError(f"s3://{bucket}/{marker_key} does not exist: the split for this date has "
                                 "not finished (or it failed); run the split DAG first")
    index: dict[str, Any] = json.loads(raw)
    if index.get("format") != INDEX_FORMAT:
        raise SplitNotReadyError(f"s3://{bucket}/{marker_key} is not a {INDEX_FORMAT} index")
    return index


def read_part(hook: Any, bucket: str, index: dict[str, Any], code: str) -> pd.DataFrame:
    """One part of the pack (one ranged GET), checked against the index, typed like ``read_who_csv``."""
    import pyarrow.parquet as pq

    part = index["countries"].get(code)
    if part is None:
        raise who.WhoDataError(f"{index['source']}: no rows for country code {code} in the split for {index['ds']}")
    blob = s3io.get(hook, bucket, index["pack_key"], (part["offset"], part["offset"] + part["length"] - 1))
    if hashlib.sha256(blob).hexdigest() != part["sha256"]:
        raise SplitChangedError(f"s3://{bucket}/{index['pack_key']} changed under its index while reading "
                                f"{code}: the split was re-run; retry this task")
    return _to_pandas(pq.read_table(io.BytesIO(blob)))


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}
    frame: pd.DataFrame = table.to_pandas(types_mapper=mapping.get, date_as_object=True)
    return frame


def country_from_split(country_code: str, bucket: str, split_prefix: str, output_prefix: str, ds: str,
                       aws_conn_id: str = s3io.DEFAULT_CONN_ID) -> dict[str, Any]:
    """One country's rows (CSV) and summary (JSON) from its part of the split: two GETs, two PUTs.

    Writes the same keys and bytes as :func:`callables.who.process_country` for the same input.

    :param country_code: two capital letters as in the WHO file (``NA`` is Namibia).
    :param split_prefix: the ``split_prefix`` given to :func:`split_countries`.
    :param output_prefix: outputs go to ``output_prefix/country=<code>/date=<ds>/{rows.csv,summary.json}``.
    :raises SplitNotReadyError: the split for ``ds`` has no ``_SUCCESS`` marker.
    """
    rows_key, summary_key = who.output_keys(output_prefix, country_code, ds)
    _, marker_key = split_keys(split_prefix, ds)
    hook = s3io.hook(aws_conn_id)
    rows = read_part(hook, bucket, read_index(hook, bucket, marker_key), country_code)
    return who.write_country_outputs(hook, bucket, rows, rows_key, summary_key, ds)
