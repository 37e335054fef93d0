"""Digests of the files an image spec copies, for its tag (and the lists of those files, for
the build context).

Both digests are MD5 over, for each file in order, the file's bytes and then its path
relative to the root with the separators removed (flytekit's recipe, so tags agree):

* ``copy`` entries in the order given; a directory contributes its files walking it top down
  (files sorted within each directory), paths relative to the directory; a file its base name.
  Files that do not exist (dangling links) and sockets are skipped.
* ``source_root`` files sorted by absolute path. ``ALL``: every file below the root except
  ``.git`` directories, files git reports as ignored (``git ls-files -io --exclude-standard``
  run in the root, when git is installed and the root is in a work tree), compiled Python and
  cache files (``*.pyc``, ``.cache``, ``__pycache__``). ``LOADED_MODULES``: the files of the
  modules imported in this process that lie under the root, outside the interpreter's prefixes
  and site-packages and outside featherkit itself.

A ``.dockerignore`` in the source root is not read (its pattern language is Docker's); a
source root holding one is an error rather than a silently different tag.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import site
import stat
import subprocess
import sys
from collections.abc import Iterable
from fnmatch import fnmatch
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from featherkit_imagespec.spec import CopyFileDetection

_STANDARD_IGNORES = ("*.pyc", ".cache", ".cache/*", "__pycache__/*", "**/__pycache__/*")


def _usable(path: str) -> bool:
    if not os.path.exists(path):
        return False
    return not stat.S_ISSOCK(os.stat(path).st_mode)


def _feed(hasher: hashlib._Hash, path: str, relpath: str) -> None:
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            hasher.update(block)
    hasher.update("".join(relpath.split(os.sep)).encode("utf-8"))


def copy_files(entries: Iterable[str]) -> list[tuple[str, str]]:
    """``(path, path relative to its entry)`` for every file the ``copy`` entries name."""
    found: list[tuple[str, str]] = []
    for entry in entries:
        if os.path.isdir(entry):
            for root, _dirs, files in os.walk(entry, topdown=True):
                for name in sorted(files):
                    path = os.path.join(root, name)
                    if _usable(path):
                        found.append((path, os.path.relpath(path, entry)))
        elif _usable(entry):
            found.append((entry, os.path.basename(entry)))
    return found


def copy_digest(entries: Iterable[str]) -> str:
    hasher = hashlib.md5()
    for path, relpath in copy_files(entries):
        _feed(hasher, path, relpath)
    return hasher.hexdigest()


def _git_ignored(root: str) -> set[str]:
    if shutil.which("git") is None:
        return set()
    done = subprocess.run(
        ["git", "ls-files", "-io", "--exclude-standard"],
        cwd=root, capture_output=True, check=False,
    )
    if done.returncode != 0:
        return set()
    return set(done.stdout.decode("utf-8").split("\n")[:-1])


def _all_files(root: str) -> list[str]:
    from pathlib import PurePath

    ignored = _git_ignored(root)
    found: list[str] = []
    for current, dirs, files in os.walk(root, topdown=True):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in sorted(files):
            path = os.path.join(current, name)
            if not _usable(path):
                continue
            rel = os.path.relpath(path, root)
            if PurePath(rel).as_posix() in ignored:
                continue
            if any(fnmatch(rel, pattern) for pattern in _STANDARD_IGNORES):
                continue
            found.append(path)
    return found


def _inside(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:
        return False


def _loaded_module_files(root: str) -> list[str]:
    import featherkit

    installed = [
        os.path.dirname(featherkit.__file__ or ""),
        sys.prefix,
        sys.base_prefix,
        site.getusersitepackages(),
        *site.getsitepackages(),
    ]
    found = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        if any(_inside(path, d) for d in installed) or not _inside(path, root):
            continue
        found.append(path)
    return found


def source_files(root: str, mode: CopyFileDetection) -> list[str]:
    """The files of ``root`` the image gets in ``mode`` (absolute or root-joined), sorted."""
    from featherkit_imagespec.spec import CopyFileDetection, ImageSpecError

    if not os.path.isdir(root):
        raise ImageSpecError(f"source_root {root!r} is not a directory")
    if os.path.exists(os.path.join(root, ".dockerignore")):
        raise ImageSpecError(
            f"source_root {root!r} has a .dockerignore, which featherkit-imagespec does not "
            "read; list what to leave out in .gitignore instead"
        )
    if mode is CopyFileDetection.NO_COPY:
        return []
    files = _all_files(root) if mode is CopyFileDetection.ALL else _loaded_module_files(root)
    return sorted(files)


def source_digest(root: str, mode: CopyFileDetection) -> str:
    hasher = hashlib.md5()
    for path in source_files(root, mode):
        _feed(hasher, path, os.path.relpath(path, root))
    return hasher.hexdigest()
