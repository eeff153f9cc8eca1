"""A copy of this checkout's package with some files as they were at another commit: the "before" of a
before/after benchmark, run in child processes beside the code as it is.

Only the named files go back, so what else changed since (other work in the same tree) is the same on
both sides and the comparison measures those files alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "quaero_desktop"


@contextmanager
def baseline_tree(rev: str, files: list[str]) -> Iterator[Path]:
    """A directory to put first on ``sys.path``: the package as checked out, ``files`` (paths from the
    repository's root) as at ``rev``. Removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="quaero-baseline-") as tmp:
        tree = Path(tmp)
        shutil.copytree(ROOT / PACKAGE, tree / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        for path in files:
            old = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, check=True).stdout
            (tree / path).write_bytes(old)
        yield tree


@contextmanager
def package_at(rev: str | None) -> Iterator[Path | None]:
    """The whole package as at ``rev`` in a temporary directory (None: no baseline): every file as it was,
    for a side that runs that commit's code alone."""
    if rev is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="quaero-before-") as tmp:
        archive = subprocess.run(["git", "archive", rev, "quaero_desktop"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        yield Path(tmp)


def child_env(tree: Path | None) -> dict[str, str]:
    """The environment of a child that imports the package from ``tree`` (None: this checkout)."""
    path = [str(tree)] if tree is not None else []
    return {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(ROOT)]), "QUAERO_BENCH_TREE": str(tree or ROOT)}


def use_tree_from_env() -> None:
    """In a child: import the package from the tree its parent chose (``child_env``)."""
    tree = os.environ.get("QUAERO_BENCH_TREE")
    if tree:
        sys.path.insert(0, tree)
