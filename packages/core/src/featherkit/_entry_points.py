"""Entry points of one group, read straight from the installed distributions' metadata.

Plugin discovery runs in every process that runs a task, including each container's cold
start. ``importlib.metadata.entry_points(group=...)`` imports ``importlib.metadata`` (with
``email``, ``zipfile``, ``csv``, ``json`` ...) and parses the metadata of every installed
distribution; this module does the same lookup with ``os.scandir`` on each ``sys.path``
directory and reads only the ``entry_points.txt`` files that exist, and the ``METADATA``
header of the few distributions that declare an entry point of the group.

The result is the one ``importlib.metadata`` gives (it is tested against it): distributions in
``sys.path`` order, the first of two with the same normalized name winning, entry points
parsed as the packaging spec describes (``name = module:attr [extras]``). A ``sys.path`` entry
that is not a directory (a zip archive) makes it defer to ``importlib.metadata``, which knows
how to read inside it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import Any

_SUFFIXES = (".dist-info", ".egg-info")
# a pattern string: ``re`` compiles (and caches) it at first use, not at every pod's start
_NORMALIZE = r"[-_.]+"


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(_NORMALIZE, "-", name).lower()


class _Record:
    """An immutable record compared by value (what a frozen dataclass gives), written out:
    creating a dataclass ``exec``'s generated code, a cost on every pod's start."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"


class Distribution(_Record):
    """The name and version of an installed distribution, from its metadata header."""

    __slots__ = ("name", "version")

    name: str
    version: str

    def __init__(self, name: str, version: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "version", version)


class EntryPoint(_Record):
    """One entry point: ``name = value`` in ``group``, declared by ``dist``."""

    __slots__ = ("name", "value", "group", "dist")  # noqa: RUF023  (the fields' order)

    name: str
    value: str
    group: str
    dist: Distribution | None

    def __init__(self, name: str, value: str, group: str, dist: Distribution | None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "group", group)
        object.__setattr__(self, "dist", dist)

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attr(self) -> str:
        return self.value.partition(":")[2].partition("[")[0].strip()

    def load(self) -> Any:
        import importlib

        target: Any = importlib.import_module(self.module)
        for part in filter(None, self.attr.split(".")):
            target = getattr(target, part)
        return target


def _header(directory: str) -> Distribution | None:
    """Name and version from ``METADATA`` (``PKG-INFO`` for egg-info): header lines only."""
    for filename in ("METADATA", "PKG-INFO"):
        path = os.path.join(directory, filename)
        try:
            handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError:
            continue
        fields: dict[str, str] = {}
        with handle:
            for line in handle:
                if not line.strip():
                    break  # the header ends at the first blank line
                key, sep, value = line.partition(":")
                if sep and key in ("Name", "Version") and key not in fields:
                    fields[key] = value.strip()
                if len(fields) == 2:
                    break
        if "Name" in fields:
            return Distribution(fields["Name"], fields.get("Version", "?"))
    return None


def _parse(text: str, group: str) -> list[tuple[str, str]]:
    """``(name, value)`` pairs of ``group`` in an ``entry_points.txt``."""
    found = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current != group:
            continue
        name, sep, value = line.partition("=")
        if sep:
            found.append((name.strip(), value.strip()))
    return found


def _dist_dirs(paths: Iterable[str]) -> list[tuple[str, str]] | None:
    """``(normalized name, metadata directory)`` in ``sys.path`` order; None if a path is a file."""
    found = []
    for entry in paths:
        directory = entry or "."
        try:
            names = sorted(n for n in os.listdir(directory) if n.endswith(_SUFFIXES))
        except NotADirectoryError:
            return None
        except OSError:  # missing directory: importlib.metadata skips it too
            continue
        for name in names:
            stem = name.rsplit(".", 1)[0]
            found.append((normalize(stem.split("-", 1)[0]), os.path.join(directory, name)))
    return found


def _from_importlib_metadata(group: str, paths: list[str]) -> list[Any]:
    import importlib.metadata

    seen: set[str] = set()
    result: list[Any] = []
    for dist in importlib.metadata.distributions(path=paths):
        key = normalize(dist.metadata["Name"] or "")
        if key in seen:
            continue
        seen.add(key)
        result.extend(ep for ep in dist.entry_points if ep.group == group)
    return result


def entry_points(group: str, paths: Iterable[str] | None = None) -> list[Any]:
    """The entry points of ``group`` over ``paths`` (default ``sys.path``)."""
    paths = list(sys.path if paths is None else paths)
    dirs = _dist_dirs(paths)
    if dirs is None:
        return _from_importlib_metadata(group, paths)
    seen: set[str] = set()
    result: list[Any] = []
    for key, directory in dirs:
        if key in seen:
            continue
        seen.add(key)
        try:
            with open(os.path.join(directory, "entry_points.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            continue
        pairs = _parse(text, group)
        if pairs:
            dist = _header(directory)
            result.extend(EntryPoint(name, value, group, dist) for name, value in pairs)
    return result
