"""Files and directories: a blob literal holding a URI, the bytes in storage.

``File`` (also exported as ``FlyteFile``) and ``Directory`` (``FlyteDirectory``) are the same
classes under flytekit's names. On the wire, as flytekit 1.16 writes them:

* literal type ``blob{format, dimensionality}``: ``SINGLE`` for a file, ``MULTIPART`` for a
  directory; ``format`` is the class parameter (``File["csv"]``,
  ``File[typing.TypeVar("csv")]``), empty by default;
* literal ``scalar.blob{metadata.type (the same BlobType), uri}``;
* inside a dataclass, ``{"path": uri}`` (see :mod:`featherkit.types.plain`);
* union tags ``FlyteFilePath`` and ``FlyteDirectory``.

Where the bytes go when a literal is made from a local path: when the execution has a raw
output prefix (a pod always does: ``--raw-output-data-prefix``), the file is uploaded to
``<raw output prefix>/<32 hex>/<file name>`` and a directory's content to
``<raw output prefix>/<32 hex>/...``; without one (a local run) the literal holds the
absolute local path and nothing is copied, as flytekit does in a local execution. A value
that already names a remote object (``s3://...``), or was read from one, keeps its URI.

Reading a literal gives a ``File``/``Directory`` whose bytes are fetched only when needed:
``open("rb")`` streams from storage, ``download()`` (or ``os.fspath``) copies to a local
path under the execution's working directory.
"""

from __future__ import annotations

import io
import os
import typing
from collections.abc import Iterator
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")

def random_name() -> str:
    """32 hex digits, as flytekit names its random upload prefixes."""
    import uuid  # here: the type engine imports this module at every cold start

    return uuid.uuid4().hex


def _format_of(item: Any) -> str:
    if item is None or item is Any:
        return ""
    if isinstance(item, TypeVar):
        item = item.__name__
    if isinstance(item, type):
        item = item.__name__
    if not isinstance(item, str):
        raise TypeError(f"a file format is a str or a TypeVar, not {type(item).__name__}")
    return item.strip().lstrip("~").lstrip(".")


def _scratch(*parts: str) -> str:
    from featherkit.context import current_context

    return os.path.join(current_context().working_dir, "files", *parts)


def _raw_prefix() -> str:
    from featherkit.context import current_context

    return current_context().raw_output_prefix


class _Formatted:
    """What ``File`` and ``Directory`` share: the format parameter and the remote source."""

    _format: typing.ClassVar[str] = ""
    _formats: typing.ClassVar[dict[str, type]]

    def __class_getitem__(cls, item: Any) -> Any:
        fmt = _format_of(item)
        if not fmt:
            return cls
        base = cls.__dict__.get("_base", cls)
        table: dict[str, type] | None = base.__dict__.get("_formats")
        if table is None:
            table = {}
            base._formats = table
        found = table.get(fmt)
        if found is None:
            found = type(base.__name__, (base,), {"_format": fmt, "_base": base})
            found.__qualname__ = f"{base.__qualname__}[{fmt}]"
            found.__module__ = base.__module__
            table[fmt] = found
        return found

    @classmethod
    def extension(cls) -> str:
        """The format parameter (``"csv"`` for ``File["csv"]``), ``""`` when none."""
        return cls._format


class File(_Formatted, os.PathLike, Generic[T]):  # type: ignore[type-arg]
    """A file, local or in storage; flytekit's ``FlyteFile`` (the same class).

    ``File(path)`` names a local file or a remote URI. ``remote_path`` sets where a local
    file is uploaded (instead of a random name under the raw output prefix); ``False``
    keeps the local path in the literal.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        downloader: Any = None,
        remote_path: str | os.PathLike[str] | bool | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        self.path = os.fspath(path)
        if isinstance(remote_path, os.PathLike):
            remote_path = os.fspath(remote_path)
        self._remote_path = remote_path
        self.metadata = metadata
        self._remote_source: str | None = None
        self._downloaded = False
        self._local_target: str | None = None
        from featherkit.storage import is_remote

        if is_remote(self.path):
            self._remote_source = self.path

    # -- flytekit's surface -----------------------------------------------------------------

    @property
    def remote_source(self) -> str | None:
        """The URI the bytes come from, when they are (or were) remote."""
        return self._remote_source

    @property
    def remote_path(self) -> str | bool | None:
        return self._remote_path

    @property
    def downloaded(self) -> bool:
        return self._downloaded or self._remote_source is None

    def download(self) -> str:
        """Copy a remote file to a local path (once) and return the local path."""
        if self._remote_source is None or self._downloaded:
            return self.path
        from featherkit import storage

        target = self._local_target or _scratch(
            random_name(), os.path.basename(self._remote_source.rstrip("/")) or "file"
        )
        os.makedirs(os.path.dirname(target), exist_ok=True)
        storage.download(self._remote_source, target)
        self.path = target
        self._downloaded = True
        return target

    def __fspath__(self) -> str:
        return self.download()

    def open(self, mode: str = "rb", **_: Any) -> IO[Any]:
        """A streaming handle: reads come from storage without a local copy, writes go
        straight to the remote path of a ``new_remote`` file. Text modes (``"r"``,
        ``"w"``) wrap the binary stream in UTF-8 text."""
        from featherkit import storage

        binary = mode.replace("t", "").replace("b", "")
        if binary not in ("r", "w"):
            raise ValueError(f"File.open mode {mode!r}: use 'r', 'rb', 'w' or 'wb'")
        if binary == "r":
            uri = self.path if self.downloaded else str(self._remote_source)
        elif isinstance(self._remote_path, str):
            uri = self._remote_path
            self._remote_source = uri
            self._downloaded = False
            self._local_target = None
        else:
            uri = self.path
            os.makedirs(os.path.dirname(os.path.abspath(uri)), exist_ok=True)
        handle = storage.open_uri(uri, binary + "b")
        if "b" in mode:
            return handle
        return io.TextIOWrapper(handle, encoding="utf-8")

    @classmethod
    def new(cls, filename: str | os.PathLike[str]) -> File[Any]:
        """A new file named ``filename`` in the execution's working directory."""
        name = os.fspath(filename)
        if os.path.isabs(name):
            raise ValueError(f"File.new takes a relative name, not {name!r}")
        from featherkit.context import current_context

        path = os.path.join(current_context().working_dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return cls(path)

    @classmethod
    def new_remote(cls, name: str | None = None) -> File[Any]:
        """A file to write with ``open("wb")`` straight to ``<raw output prefix>/<random>``
        (plus ``/name``); locally the prefix is a directory of the working directory."""
        from featherkit import storage
        from featherkit.context import current_context

        parts = [random_name()] + ([name] if name else [])
        uri = storage.join(current_context().raw_output_dir, *parts)
        new = cls(uri, remote_path=uri)
        new._remote_source = None
        return new

    new_remote_file = new_remote

    @classmethod
    def from_source(cls, source: str | os.PathLike[str]) -> File[Any]:
        """A file read from ``source`` (a URI or path), fetched when used."""
        return cls(source)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, File):
            return (self._remote_source or self.path) == (other._remote_source or other.path)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._remote_source or self.path)

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({(self._remote_source or self.path)!r})"

    def __str__(self) -> str:
        return self.path


class Directory(_Formatted, os.PathLike, Generic[T]):  # type: ignore[type-arg]
    """A directory, local or a prefix in storage; flytekit's ``FlyteDirectory``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        downloader: Any = None,
        remote_directory: str | bool | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._remote_directory = remote_directory
        self._remote_source: str | None = None
        self._downloaded = False
        from featherkit.storage import is_remote

        if is_remote(self.path):
            self._remote_source = self.path

    @property
    def remote_source(self) -> str | None:
        return self._remote_source

    @property
    def remote_directory(self) -> str | bool | None:
        return self._remote_directory

    @property
    def downloaded(self) -> bool:
        return self._downloaded or self._remote_source is None

    @property
    def sep(self) -> str:
        return "/" if self._remote_source and not self._downloaded else os.sep

    def download(self) -> str:
        """Copy every file under a remote prefix to a local directory (once); its path."""
        if self._remote_source is None or self._downloaded:
            return self.path
        from featherkit import storage

        source = self._remote_source.rstrip("/")
        target = _scratch(random_name())
        os.makedirs(target, exist_ok=True)
        for uri in storage.list_files(source):
            relative = uri[len(source) :].lstrip("/")
            if relative:
                local = os.path.join(target, *relative.split("/"))
                os.makedirs(os.path.dirname(local), exist_ok=True)
                storage.download(uri, local)
        self.path = target
        self._downloaded = True
        return target

    def __fspath__(self) -> str:
        return self.download()

    def _root(self) -> str:
        return self.path if self.downloaded else str(self._remote_source).rstrip("/")

    def walk(self) -> Iterator[File[Any]]:
        """Every file under the directory, recursively (remote ones are not downloaded)."""
        from featherkit import storage

        root = self._root()
        if self.downloaded:
            for base, _, names in sorted(os.walk(root)):
                for name in sorted(names):
                    yield File(os.path.join(base, name))
        else:
            for uri in storage.list_files(root):
                yield File(uri)

    def crawl(self) -> Iterator[tuple[str, str]]:
        """``(base, relative path)`` of every file, as flytekit's ``crawl``."""
        root = self._root()
        for file in self.walk():
            source = file.remote_source or file.path
            yield root, source[len(root) :].lstrip("/" + os.sep)

    def listdir(self) -> list[File[Any] | Directory[Any]]:
        """The files and directories directly inside, sorted by name."""
        root = self._root()
        if self.downloaded:
            entries: list[File[Any] | Directory[Any]] = []
            for name in sorted(os.listdir(root)):
                full = os.path.join(root, name)
                entries.append(Directory(full) if os.path.isdir(full) else File(full))
            return entries
        from featherkit import storage

        files: dict[str, File[Any] | Directory[Any]] = {}
        for uri in storage.list_files(root):
            head, _, rest = uri[len(root) :].lstrip("/").partition("/")
            child = f"{root}/{head}"
            if child not in files:
                files[child] = Directory(child) if rest else File(child)
        return [files[k] for k in sorted(files)]

    def new_file(self, name: str | None = None) -> File[Any]:
        """A file inside this (local, or new remote) directory."""
        from featherkit import storage

        name = name or random_name()
        if self._remote_source and not self._downloaded:
            uri = storage.join(self._remote_source, name)
            new: File[Any] = File(uri, remote_path=uri)
            new._remote_source = None
            return new
        path = os.path.join(self.path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return File(path)

    def new_dir(self, name: str | None = None) -> Directory[Any]:
        """A directory inside this one."""
        from featherkit import storage

        name = name or random_name()
        if self._remote_source and not self._downloaded:
            return Directory(storage.join(self._remote_source, name))
        path = os.path.join(self.path, name)
        os.makedirs(path, exist_ok=True)
        return Directory(path)

    @classmethod
    def new(cls, dirname: str | os.PathLike[str]) -> Directory[Any]:
        """A new directory named ``dirname`` in the execution's working directory."""
        name = os.fspath(dirname)
        if os.path.isabs(name):
            raise ValueError(f"Directory.new takes a relative name, not {name!r}")
        from featherkit.context import current_context

        path = os.path.join(current_context().working_dir, name)
        os.makedirs(path, exist_ok=True)
        return cls(path)

    @classmethod
    def new_remote(cls, stem: str | None = None) -> Directory[Any]:
        """A directory at ``<raw output prefix>/<stem or random>`` to fill with
        :meth:`new_file`."""
        from featherkit import storage
        from featherkit.context import current_context

        uri = storage.join(current_context().raw_output_dir, stem or random_name())
        if not storage.is_remote(uri):
            os.makedirs(uri, exist_ok=True)
        return cls(uri)

    @classmethod
    def from_source(cls, source: str | os.PathLike[str]) -> Directory[Any]:
        return cls(source)

    def __truediv__(self, other: str | os.PathLike[str]) -> str:
        from featherkit import storage

        return storage.join(self._root(), os.fspath(other))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Directory):
            return (self._remote_source or self.path) == (other._remote_source or other.path)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._remote_source or self.path)

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({(self._remote_source or self.path)!r})"

    def __str__(self) -> str:
        return self.path


#: flytekit's names for the same classes
FlyteFile = File
FlyteDirectory = Directory
