"""raw/: a source's typed rows as a Hive-style Parquet dataset, and what each landing wrote there.

Partition values are in the path only, never repeated inside the files, so pandas, pyarrow
datasets, Athena and Glue read ``raw/<source>/`` as is:

- ``day``: ``<key>=YYYY-MM-DD/part-<ds>-00000.parquet``; the date column is the path's;
- ``month``: ``<key>_month=YYYY-MM/part-<ds>-00000.parquet``; the date column stays in the files;
- ``none``: ``part-<ds>-00000.parquet`` directly under the prefix.

Each landing date ``ds`` writes its own files (late rows never overwrite another landing's), one
per partition, split when a file would pass the size target. Under ``_runs/date=<ds>/`` (``_``
keeps it out of dataset scans): ``manifest.json`` lists every file written with its rows and
SHA-256, and the small ``_SUCCESS`` marker, written last, says the landing is complete.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from callables import s3 as s3io
from callables.contract import Contract, month_column

if TYPE_CHECKING:
    import pyarrow as pa

__all__: list[str] = []  # helpers of callables.ingest

MARKER = "_SUCCESS"
MANIFEST = "manifest.json"
MARKER_FORMAT = "dagforge.raw-run/2"
MANIFEST_FORMAT = "dagforge.raw-manifest/1"
TARGET_FILE_MB = 128  # Athena and Spark read files of about this size best


@dataclass(frozen=True)
class RunKeys:
    marker: str
    manifest: str


def run_keys(raw_prefix: str, ds: str) -> RunKeys:
    """Where the marker and manifest of landing ``ds`` live."""
    # '_' keeps the folder out of dataset scans (and no config value can make a '_' segment)
    base = f"{s3io.join_key(raw_prefix)}/_runs/date={s3io.check_ds(ds)}"
    return RunKeys(f"{base}/{MARKER}", f"{base}/{MANIFEST}")


def partition_dir(contract: Contract, day: date | None) -> str:
    """The Hive-style folder of rows dated ``day`` (``""`` when not partitioned)."""
    if contract.partition == "none" or day is None:
        return ""
    if contract.partition == "month":
        return f"{month_column(contract.partition_key)}={day:%Y-%m}"
    return f"{contract.partition_key}={day.isoformat()}"


def plan_files(
    table: pa.Table, contract: Contract, raw_prefix: str, ds: str, target_mb: float
) -> dict[str, pa.Table]:
    """``key -> rows`` of every file of one landing: rows grouped by partition (in landing order
    inside each), split into files of about ``target_mb`` (in memory) at most."""
    import pyarrow as pa

    key = contract.partition_key
    days = table[key].to_pylist() if contract.partition != "none" else [None] * table.num_rows
    groups: dict[str, list[int]] = {}
    for row, day in enumerate(days):
        groups.setdefault(partition_dir(contract, day), []).append(row)
    files: dict[str, pa.Table] = {}
    for folder, rows in sorted(groups.items()):
        part = table.take(pa.array(rows, type=pa.int64()))
        part = part.drop_columns([key]) if contract.partition == "day" else part
        count = max(1, math.ceil(part.nbytes / (target_mb * 2**20)))
        size = math.ceil(part.num_rows / count)
        for index in range(count):
            name = f"part-{ds}-{index:05d}.parquet"
            path = s3io.join_key(raw_prefix, folder, name) if folder else f"{raw_prefix}/{name}"
            files[s3io.join_key(path)] = part.slice(index * size, size)
    return files


def parquet_bytes(table: pa.Table) -> bytes:
    """``table`` as Parquet, byte-identical for the same rows."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="snappy")
    return buffer.getvalue()


def own_part(key: str, raw_prefix: str, ds: str) -> bool:
    """Whether ``key`` is a file landing ``ds`` may have written under ``raw_prefix`` (and so may
    delete): nothing else is ever deleted."""
    pattern = (
        re.escape(raw_prefix.rstrip("/"))
        + r"/(?:[a-z_][a-z0-9_]*=[0-9-]+/)?part-"
        + re.escape(ds)
        + r"(?:-[0-9]{5})?\.parquet"
    )
    return isinstance(key, str) and re.fullmatch(pattern, key, flags=re.ASCII) is not None


def previous_parts(hook: Any, bucket: str, raw_prefix: str, ds: str) -> set[str]:
    """The files an earlier run of landing ``ds`` wrote (or was writing when it failed), from its
    manifest (or from a marker of the first layout, which listed them itself)."""
    keys = run_keys(raw_prefix, ds)
    for where in (keys.manifest, keys.marker):  # one GET each, the newer layout first
        data = s3io.get_or_none(hook, bucket, where)
        if data is not None:
            break
    else:
        return set()
    listed = s3io.json_object(data, f"s3://{bucket}/{where}", ("parts",))["parts"]
    if not isinstance(listed, dict | list):
        raise s3io.CorruptObjectError(f"s3://{bucket}/{where}: 'parts' is not a list of keys")
    foreign = sorted(str(k) for k in listed if not own_part(k, raw_prefix, ds))
    if foreign:
        raise s3io.CorruptObjectError(
            f"s3://{bucket}/{where} lists {', '.join(foreign[:3])}, which this source did not "
            f"write for {ds} under {raw_prefix}/: refusing to delete anything. Check the file and "
            "remove it (the next run then overwrites this landing's files)"
        )
    return {str(key) for key in listed}


def _json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n").encode()


def write_run(
    hook: Any,
    bucket: str,
    keys: RunKeys,
    files: dict[str, pa.Table],
    previous: set[str],
    about: dict[str, Any],
) -> dict[str, Any]:
    """Unpublish, write, clean, publish: the marker goes first, the manifest then lists every file
    that may exist until the run ends, the files are written, the previous run's files that this
    one did not write are deleted, then the manifest and the marker are written for good."""
    s3io.delete(hook, bucket, keys.marker)  # a run that fails from here on leaves no marker
    pending: dict[str, dict[str, Any]] = {key: {} for key in sorted(previous | set(files))}
    s3io.put(hook, bucket, keys.manifest, _json({"format": MANIFEST_FORMAT, "parts": pending}))
    written: dict[str, dict[str, Any]] = {}
    for key, table in files.items():
        data = parquet_bytes(table)
        s3io.put(hook, bucket, key, data)
        digest = hashlib.sha256(data).hexdigest()
        written[key] = {"rows": table.num_rows, "bytes": len(data), "sha256": digest}
    s3io.delete(hook, bucket, *sorted(previous - set(files)))
    manifest = _json({"format": MANIFEST_FORMAT, "ds": about["ds"], "parts": written})
    s3io.put(hook, bucket, keys.manifest, manifest)
    summary = {**about, **_summary(written, about["raw_prefix"]), "marker_key": keys.marker}
    marker = {
        **summary,
        "format": MARKER_FORMAT,
        "manifest_key": keys.manifest,
        "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
    }
    s3io.put(hook, bucket, keys.marker, _json(marker))
    return summary


def _summary(written: dict[str, dict[str, Any]], raw_prefix: str) -> dict[str, Any]:
    inside = [key[len(raw_prefix.rstrip("/")) + 1 :] for key in written]
    values = sorted({path.split("/", 1)[0].split("=", 1)[1] for path in inside if "/" in path})
    return {
        "rows": sum(part["rows"] for part in written.values()),
        "files": len(written),
        "partitions": len(values),
        "first_partition": values[0] if values else "",
        "last_partition": values[-1] if values else "",
    }


def read_manifest(hook: Any, bucket: str, marker_key: str) -> dict[str, Any]:
    """The marker and the manifest it names (checked against the marker's SHA-256), as one
    mapping: the marker's fields and the manifest's ``parts``."""
    marker = s3io.get_json(hook, bucket, marker_key, ("manifest_key", "manifest_sha256"))
    data = s3io.get(hook, bucket, str(marker["manifest_key"]))
    where = f"s3://{bucket}/{marker['manifest_key']}"
    if hashlib.sha256(data).hexdigest() != marker["manifest_sha256"]:
        raise s3io.CorruptObjectError(f"{where} changed after its marker was written")
    return {**marker, "parts": s3io.json_object(data, where, ("parts",))["parts"]}
