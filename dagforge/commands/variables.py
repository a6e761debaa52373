"""``dagforge variables``: Airflow Variables through the REST API, and kept in step with
``variables.yml`` (``sync``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dagforge.api import sync
from dagforge.commands._target import add_target, client, emit
from dagforge.project import load_variables_file
from dagforge.reporters import columns
from dagforge.settings import variables_path

DEFAULT_FILE = variables_path(Path())
DESCRIPTION = (
    "list | get KEY | set KEY VALUE | delete KEY | sync --profile P. `sync` shows what would "
    "change to make the target hold the profile's values from variables.yml; --apply makes the "
    "changes (creates and updates; deletes only with --prune); --check exits 1 when the target "
    "differs (for CI). Secret Variables are never synced."
)


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add_target(actions.add_parser("list", help="every Variable (values on Airflow 3 only)"))
    get = actions.add_parser("get", help="one Variable's value")
    get.add_argument("key", metavar="KEY")
    add_target(get)
    set_ = actions.add_parser("set", help="create or update one Variable")
    set_.add_argument("key", metavar="KEY")
    set_.add_argument("value", metavar="VALUE")
    set_.add_argument("--description", default=None)
    add_target(set_)
    delete = actions.add_parser("delete", help="delete one Variable")
    delete.add_argument("key", metavar="KEY")
    add_target(delete)
    add_target(_sync_parser(actions))


def _sync_parser(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    sync_ = actions.add_parser("sync", help="make the target hold a profile of variables.yml")
    sync_.add_argument("--profile", required=True, help="the profile to apply (local, dev, ...)")
    sync_.add_argument("--file", type=Path, default=DEFAULT_FILE, help=f"default: {DEFAULT_FILE}")
    mode = sync_.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="make the changes shown")
    mode.add_argument("--check", action="store_true", help="exit 1 when the target differs")
    sync_.add_argument(
        "--prune", action="store_true", help="also delete Variables the file does not declare"
    )
    return sync_


def run(args: argparse.Namespace) -> int:
    return {
        "list": _list,
        "get": _get,
        "set": _set,
        "delete": _delete,
        "sync": _sync,
    }[args.action](args)


def _list(args: argparse.Namespace) -> int:
    found = client(args).variables.all()
    rows = [(v.key, "-" if v.value is None else v.value, v.description or "") for v in found]
    emit(args, [v.as_json() for v in found], columns(("key", "value", "description"), rows))
    return 0


def _get(args: argparse.Namespace) -> int:
    variable = client(args).variables.get(args.key)
    emit(args, variable.as_json(), variable.value or "")
    return 0


def _set(args: argparse.Namespace) -> int:
    change = client(args).variables.set(args.key, args.value, args.description)
    emit(args, {"key": args.key, "change": change}, f"{args.key}: {change}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    client(args).variables.delete(args.key)
    emit(args, {"key": args.key, "change": "deleted"}, f"{args.key}: deleted")
    return 0


def _sync(args: argparse.Namespace) -> int:
    declared = load_variables_file(args.file)
    api = client(args)
    changes = sync.plan(declared, args.profile, api, prune=args.prune)
    todo = sync.pending(changes)
    if args.apply and todo:
        sync.apply(declared, todo, api)
    text = sync.render(changes, api.target, args.profile)
    if args.apply:
        text += " applied" if todo else ""
    elif todo and not args.check:
        text += " (dry run: --apply makes them)"
    data = {
        "profile": args.profile,
        "applied": bool(args.apply),
        "changes": [c.as_json() for c in changes],
    }
    emit(args, data, text)
    return 1 if args.check and todo else 0
