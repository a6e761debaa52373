"""``variables sync``: make an environment hold what ``variables.yml`` declares for a profile.

:func:`plan` compares, :func:`apply` changes: creates and updates always, deletes of Variables the
file does not declare only with ``prune``. Secret Variables are never read, written or deleted
(they live in Secrets Manager); their values are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dagforge.api.client import AirflowClient
from dagforge.errors import UsageError
from dagforge.language.hints import did_you_mean
from dagforge.language.variables import VariablesFile
from dagforge.secrets import sensitive

Action = Literal["create", "update", "delete", "unchanged", "skip"]
CHANGES: tuple[Action, ...] = ("create", "update", "delete")


@dataclass(frozen=True)
class Change:
    key: str
    action: Action
    old: str | None = None
    new: str | None = None
    reason: str = ""

    @property
    def shown_old(self) -> str:
        return _shown(self.key, self.old)

    @property
    def shown_new(self) -> str:
        return _shown(self.key, self.new)

    def as_json(self) -> dict[str, str | None]:
        return {
            "key": self.key,
            "action": self.action,
            "old": _masked(self.key, self.old),
            "new": _masked(self.key, self.new),
            "reason": self.reason,
        }


def _masked(key: str, value: str | None) -> str | None:
    """A value as shown: never one Airflow would mask (the key looks secret)."""
    return "***" if value is not None and sensitive(key) else value


def _shown(key: str, value: str | None) -> str:
    return "-" if value is None else repr(_masked(key, value))


def check_profile(file: VariablesFile, profile: str) -> None:
    if profile not in file.profiles:
        hint = did_you_mean(profile, file.profiles)
        raise UsageError(f"--profile {profile!r} is not in {file.doc.file}'s profiles ({hint})")


def plan(
    file: VariablesFile, profile: str, client: AirflowClient, prune: bool = False
) -> list[Change]:
    """What a sync of ``profile`` would change, key by key, in key order."""
    check_profile(file, profile)
    changes = [_compare(file, profile, client, key) for key in sorted(file.variables)]
    if prune:
        extra: list[str] = sorted(set(client.variables.all_keys()) - set(file.variables))
        changes.extend(Change(key, "delete", reason="not declared") for key in extra)
    return changes


def _compare(file: VariablesFile, profile: str, client: AirflowClient, key: str) -> Change:
    declared = file.variables[key]
    if declared.secret:
        return Change(key, "skip", reason="secret: kept in AWS Secrets Manager")
    if profile not in declared.values:
        return Change(key, "skip", reason=f"no value for profile {profile}")
    wanted = declared.values[profile]
    current = client.variables.find(key)
    if current is None:
        return Change(key, "create", new=wanted)
    if current.value == wanted:
        return Change(key, "unchanged", old=current.value, new=wanted)
    return Change(key, "update", old=current.value, new=wanted)


def apply(file: VariablesFile, changes: list[Change], client: AirflowClient) -> None:
    """Make the changes of a :func:`plan`."""
    for change in changes:
        description = file.variables[change.key].description if change.key in file.variables else ""
        if change.action == "create" and change.new is not None:
            client.variables.create(change.key, change.new, description or None)
        elif change.action == "update" and change.new is not None:
            client.variables.update(change.key, change.new, description or None)
        elif change.action == "delete":
            client.variables.delete(change.key)


def pending(changes: list[Change]) -> list[Change]:
    return [change for change in changes if change.action in CHANGES]


def render(changes: list[Change], target: str, profile: str) -> str:
    """The plan as people read it: one line per Variable, then a count."""
    width = max((len(c.key) for c in changes), default=0)
    lines = [f"Variables for profile {profile} on {target}:"]
    for change in changes:
        what = {
            "create": f"create  {change.shown_new}",
            "update": f"update  {change.shown_old} -> {change.shown_new}",
            "delete": f"delete  {change.shown_old if change.old else ''}".rstrip(),
            "unchanged": "ok",
            "skip": "skip",
        }[change.action]
        reason = f"  ({change.reason})" if change.reason else ""
        lines.append(f"  {change.key.ljust(width)}  {what}{reason}")
    count = len(pending(changes))
    lines.append(f"{count} change(s)" if count else "in step: nothing to change")
    return "\n".join(lines)
