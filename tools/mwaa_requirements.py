"""Write requirements/mwaa-<version>.txt: what the MWAA image lacks for dagforge's DAGs, pinned
exactly.

Inputs (not committed): the image's Python-Packages-BOM.txt from aws/amazon-mwaa-docker-images and
Apache Airflow's constraints file for that version and Python 3.12. The runtime closure comes from
the packages installed in this venv, starting at requirements/mwaa.in; packages the image already
has are neither pinned nor followed. Versions come from the constraints file (what MWAA resolves
against), else from this venv.

    python tools/mwaa_requirements.py --bom BOM.txt --constraints constraints.txt --airflow 3.3.1
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINT_URL = (
    "https://raw.githubusercontent.com/apache/airflow/constraints-{airflow}/constraints-3.12.txt"
)
TARGET_ENV = {
    "python_version": "3.12",
    "python_full_version": "3.12.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "extra": "",
}


def image_packages(bom: Path) -> set[str]:
    """Each BOM entry is a name line, a version line, a licence, a URL, then the licence file's
    path.
    """
    text = bom.read_text(errors="replace")
    found = re.findall(r"site-packages/([A-Za-z0-9_.]+?)-[0-9][^/]*\.dist-info", text)
    found += re.findall(r"(?m)^\n?([A-Za-z0-9][A-Za-z0-9_.-]*)\n[0-9]+(?:\.[0-9A-Za-z]+)+\n", text)
    return {canonicalize_name(name) for name in found}


def constraints(path: Path) -> dict[str, str]:
    pins = (
        line.split("==", 1)
        for line in path.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    return {canonicalize_name(name): version.strip() for name, version in pins}


def closure(roots: list[str], present: set[str]) -> set[str]:
    """Runtime dependencies (for Linux, Python 3.12, no extras) of ``roots`` that are not
    ``present``.
    """
    todo, seen = [canonicalize_name(r) for r in roots], set[str]()
    while todo:
        name = todo.pop()
        if name in seen or name in present:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate(TARGET_ENV):
                todo.append(canonicalize_name(req.name))
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bom", type=Path, required=True)
    parser.add_argument("--constraints", type=Path, required=True)
    parser.add_argument("--airflow", default="3.3.1")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        help="another root package (Airflow 2: apache-airflow-providers-standard, see "
        "dagforge.checks.compat)",
    )
    args = parser.parse_args()
    roots = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements/mwaa.in").read_text().splitlines()
    ]
    roots += args.extra
    pins = constraints(args.constraints)
    present = image_packages(args.bom)
    names = sorted(closure([r for r in roots if r], present))
    lines = [
        f'--constraint "{CONSTRAINT_URL.format(airflow=args.airflow)}"',
        f"# What the MWAA {args.airflow} image lacks for dagforge's DAGs "
        "(tools/mwaa_requirements.py).",
        *(f"{name}=={pins.get(name) or metadata.version(name)}" for name in names),
    ]
    out = ROOT / f"requirements/mwaa-{args.airflow}.txt"
    out.write_text("\n".join(lines) + "\n")
    image = ROOT / f"requirements/mwaa-{args.airflow}-image.txt"
    image.write_text(
        f"# Python distributions in the MWAA {args.airflow} image (from its bill of materials).\n"
        + "".join(f"{name}\n" for name in sorted(present))
    )
    print(
        f"wrote {out.relative_to(ROOT)}: {len(names)} pins; {image.relative_to(ROOT)}: "
        f"{len(present)} names"
    )


if __name__ == "__main__":
    main()
