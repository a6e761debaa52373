"""WHO per-country family: split the global file once, then each country reads only its own part.

Layout for one logical date under ``split_prefix/date=YYYY-MM-DD/``:

- ``countries.pack``: one self-contained Parquet file per country code, concatenated in code order
  (the "Other" rows, whose code is empty, are a part of their own under the code ``""``);
- ``_SUCCESS``: written last, a JSON index ``code -> {offset, length, rows, country, sha256}``.

A country task makes two GETs whatever the number of countries: the marker (which is also the
index), then one ranged GET of its own bytes. The split makes one GET, one DELETE and two PUTs. A
re-run for the same date removes the marker first, so readers never pair an old index with a new
pack and a failed run leaves no marker, then writes byte-identical objects.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from callables import s3 as s3io
from callables import who

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["split_countries", "country_from_split"]

MARKER = "_SUCCESS"
PACK = "countries.pack"
INDEX_FORMAT = "dagforge.who-split/1"
_PARTS = ("offset", "length", "sha256")


class SplitNotReadyError(RuntimeError):
    """The split for a logical date has no ``_SUCCESS`` marker: it has not run, or it failed."""


class SplitChangedError(RuntimeError):
    """A country's bytes do not match the index: the split was re-run while this task read it."""


def split_keys(split_prefix: str, ds: str) -> tuple[str, str]:
    """``(pack_key, marker_key)`` of the split for logical date ``ds``."""
    base = s3io.join_key(split_prefix, f"date={s3io.check_ds(ds)}")
    return f"{base}/{PACK}", f"{base}/{MARKER}"


def country_runs(table: pa.Table) -> tuple[pa.Table, list[tuple[str, int, int]]]:
    """``(table, [(code, start, rows)])`` in code order, each code's rows contiguous in ``table``.

    The WHO file lists each country's rows together, so usually the rows are only sliced (no copy);
    a file whose countries are interleaved is sorted first.
    """
    import pyarrow.compute as pc

    runs = pc.run_end_encode(table["Country_code"].combine_chunks())
    codes, ends = runs.values.to_pylist(), runs.run_ends.to_pylist()
    if len(set(codes)) < len(codes):  # a code in several runs: group them
        return country_runs(table.take(pc.sort_indices(table, [("Country_code", "ascending")])))
    starts = [0, *ends[:-1]]
    return table, sorted(
        (code, start, end - start) for code, start, end in zip(codes, starts, ends, strict=True)
    )


def pack_countries(table: pa.Table) -> tuple[io.BytesIO, dict[str, dict[str, Any]]]:
    """One Parquet file per code (rows by date), concatenated in code order, and the index of the
    parts.

    The pack is returned as the buffer it was written to (rewound), so it is uploaded without a
    copy.
    """
    import pyarrow.parquet as pq

    table, runs = country_runs(table)
    pack = io.BytesIO()
    index: dict[str, dict[str, Any]] = {}
    for code, start, rows in runs:
        part = table.slice(start, rows).sort_by("Date_reported")
        offset = pack.tell()
        pq.write_table(part, pack, compression="snappy")
        blob = pack.getbuffer()[offset:]
        index[code] = {
            "offset": offset,
            "length": len(blob),
            "rows": rows,
            "country": part["Country"][0].as_py(),
            "sha256": hashlib.sha256(blob).hexdigest(),
        }
        blob.release()
    pack.seek(0)
    return pack, index


def split_countries(
    bucket: str,
    source_key: str,
    split_prefix: str,
    ds: str,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
) -> dict[str, Any]:
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
    s3io.delete(
        hook, bucket, marker_key
    )  # from here until the new marker, readers wait; a failure leaves none
    source = f"s3://{bucket}/{source_key}"
    pack, index = pack_countries(who.read_who(s3io.stream(hook, bucket, source_key), source))
    marker = {
        "format": INDEX_FORMAT,
        "source": source,
        "ds": ds,
        "pack_key": pack_key,
        "rows": sum(part["rows"] for part in index.values()),
        "countries": index,
    }
    s3io.put(hook, bucket, pack_key, pack)
    s3io.put(hook, bucket, marker_key, (json.dumps(marker, sort_keys=True) + "\n").encode())
    return {
        "marker_key": marker_key,
        "pack_key": pack_key,
        "parts": len(index),
        "rows": marker["rows"],
    }


def read_index(hook: Any, bucket: str, marker_key: str) -> dict[str, Any]:
    """The split's index from its ``_SUCCESS`` marker; no marker means the split is not complete,
    and a marker that is not the index this module writes is refused, naming its address."""
    raw = s3io.get_or_none(hook, bucket, marker_key)
    where = f"s3://{bucket}/{marker_key}"
    if raw is None:
        raise SplitNotReadyError(
            f"{where} does not exist: the split for this date has not finished (or it failed); "
            "run the split DAG first"
        )
    index = s3io.json_object(raw, where, ("format", "source", "ds", "pack_key", "countries"))
    expected_pack = f"{marker_key.rsplit('/', 1)[0]}/{PACK}"
    if index["format"] != INDEX_FORMAT or index["pack_key"] != expected_pack:
        raise s3io.CorruptObjectError(
            f"{where} is not a {INDEX_FORMAT} index of {expected_pack}; run the split again"
        )
    if not isinstance(index["countries"], dict):
        raise s3io.CorruptObjectError(f"{where}: 'countries' is not a mapping; run the split again")
    return {**index, "where": where}


def _part_of(index: dict[str, Any], code: str) -> tuple[int, int, str]:
    """``(offset, length, sha256)`` of a code's part, checked to be what the split writes."""
    part = index["countries"].get(code)
    if part is None:
        raise who.WhoDataError(
            f"{index['source']}: no rows for country code {code} in the split for {index['ds']}"
        )
    fields: list[Any] = [part.get(name) if isinstance(part, dict) else None for name in _PARTS]
    offset, length, digest = fields
    if not (_count(offset) and _count(length) and length and isinstance(digest, str)):
        raise s3io.CorruptObjectError(
            f"{index['where']}: the entry of {code!r} is not an offset, a length and a SHA-256; "
            "run the split again"
        )
    return int(offset), int(length), str(digest)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read_part(hook: Any, bucket: str, index: dict[str, Any], code: str) -> pa.Table:
    """One part of the pack (one ranged GET), checked against the index: a country's rows by
    date."""
    import pyarrow.parquet as pq

    offset, length, digest = _part_of(index, code)
    blob = s3io.get(hook, bucket, index["pack_key"], (offset, offset + length - 1))
    if hashlib.sha256(blob).hexdigest() != digest:
        raise SplitChangedError(
            f"s3://{bucket}/{index['pack_key']} changed under its index while reading {code}: the "
            "split was re-run; retry this task"
        )
    # ParquetFile, not read_table: read_table goes through pyarrow.dataset, which imports pandas
    # (0.2 s of every country task's CPU for one in-memory part)
    return pq.ParquetFile(io.BytesIO(blob)).read()


def country_from_split(
    country_code: str,
    bucket: str,
    split_prefix: str,
    output_prefix: str,
    ds: str,
    aws_conn_id: str = s3io.DEFAULT_CONN_ID,
) -> dict[str, Any]:
    """One country's rows (CSV) and summary (JSON) from its part of the split: two GETs, two PUTs.

    Writes the same keys and bytes as :func:`callables.who.process_country` for the same input.

    :param country_code: two capital letters as in the WHO file (``NA`` is Namibia).
    :param split_prefix: the ``split_prefix`` given to :func:`split_countries`.
    :param output_prefix: outputs go to
        ``output_prefix/country=<code>/date=<ds>/{rows.csv,summary.json}``.
    :raises SplitNotReadyError: the split for ``ds`` has no ``_SUCCESS`` marker.
    """
    rows_key, summary_key = who.output_keys(output_prefix, country_code, ds)
    _, marker_key = split_keys(split_prefix, ds)
    hook = s3io.hook(aws_conn_id)
    rows = read_part(hook, bucket, read_index(hook, bucket, marker_key), country_code)
    return who.write_country_outputs(hook, bucket, rows, rows_key, summary_key, ds)


# What dagforge reads of this module: where a task reads its input (dagforge run, the demo).
INPUTS = {"split_countries": who.expected_input}
