"""An in-memory object store for tests of code that reads and writes through storage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from featherkit.hookspecs import hookimpl


class MemoryStorage:
    """A storage plugin that keeps ``<scheme>://`` objects in a dict.

    Register it for a test with ``registered(MemoryStorage())``; ``objects`` holds what was
    written, and ``downloads`` lists the URIs fetched as files, so a test can tell that code
    went through storage rather than ``open()``.
    """

    def __init__(self, scheme: str = "mem") -> None:
        self.scheme = scheme
        self.objects: dict[str, bytes] = {}
        self.downloads: list[str] = []

    def read_bytes(self, uri: str) -> bytes:
        try:
            return self.objects[uri]
        except KeyError:
            raise FileNotFoundError(uri) from None

    def write_bytes(self, uri: str, data: bytes) -> None:
        self.objects[uri] = bytes(data)

    def exists(self, uri: str) -> bool:
        return uri in self.objects

    def download(self, uri: str, local_path: str) -> None:
        self.downloads.append(uri)
        Path(local_path).write_bytes(self.read_bytes(uri))

    def upload(self, local_path: str, uri: str) -> None:
        self.write_bytes(uri, Path(local_path).read_bytes())

    @hookimpl
    def register_storage(self, register: Callable[[str, Any], None]) -> None:
        register(self.scheme, self)
