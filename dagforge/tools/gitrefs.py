"""The git plumbing ``diff`` needs: the repository's root, a ref's commit, a folder as it is at a
commit (through ``git archive``, so the checkout, index and worktrees are never touched), and
the files changed since a commit."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from dagforge.errors import GitError, GitRefError


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        raise GitError(
            f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace').strip()}"
        )
    return done.stdout


def repo_root(path: Path) -> Path:
    """The top folder of the git checkout holding ``path``."""
    return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())


def resolve_ref(repo: Path, ref: str) -> str:
    """The commit ``ref`` names, or a usage error saying how to get it."""
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError as exc:
        raise GitRefError(ref, repo) from exc


def export_tree(repo: Path, commit: str, subdir: str, target: Path) -> Path:
    """Write ``subdir`` as it is at ``commit`` under ``target``; an absent folder gives an empty
    one.
    """
    folder = target / subdir
    folder.mkdir(parents=True, exist_ok=True)
    if not _git(repo, "ls-tree", "--name-only", commit, "--", subdir).strip():
        return folder
    archive = _git(repo, "archive", "--format=tar", commit, "--", subdir)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return folder


def changed_files(repo: Path, commit: str, folders: list[str]) -> list[str]:
    """Files under ``folders`` that differ between ``commit`` and the working tree (new files
    included).
    """
    tracked = _git(repo, "diff", "--name-only", commit, "--", *folders).decode().split("\n")
    new = (
        _git(repo, "ls-files", "--others", "--exclude-standard", "--", *folders)
        .decode()
        .split("\n")
    )
    return sorted({name for name in [*tracked, *new] if name.endswith(".py")})
