"""The transformers of :mod:`featherkit.types.files` (kept apart: they load protobuf)."""

from __future__ import annotations

import abc
import os
from typing import TYPE_CHECKING, Any

from featherkit.types._common import BuiltinTransformer, LiteralType, msgpack_payload, read_other
from featherkit.types.errors import TypeTransformerError, mismatch, type_name
from featherkit.types.files import Directory, File, _Formatted, _raw_prefix, random_name

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.base import Reader, Writer
    from featherkit.types.engine import TypeEngine

SINGLE = 0
MULTIPART = 1




def _check_served(uri: str) -> None:
    """Fail now when no storage serves ``uri``'s scheme.

    A backend's ``check`` takes a prefix to write under (the local one creates it), so it is
    asked about the folder holding ``uri``, never about the object itself.
    """
    from featherkit.errors import FeatherkitUserError
    from featherkit.storage import storage_for

    try:
        backend = storage_for(uri)
        check = getattr(backend, "check", None)
        if check is not None:
            check(uri.rstrip("/").rsplit("/", 1)[0] if "/" in uri.rstrip("/") else uri)
    except FeatherkitUserError as exc:
        raise TypeTransformerError(str(exc), expected="a URI a storage plugin serves",
                                   received=uri) from None


def _upload_error(what: str, source: str, target: str, exc: BaseException) -> TypeTransformerError:
    return TypeTransformerError(
        f"cannot upload the {what} {source!r} to {target}: {type(exc).__name__}: {exc}"
    )


class _BlobTransformer(BuiltinTransformer[Any]):
    cls: type[_Formatted]
    dimensionality: int
    what: str

    def matches(self, python_type: Any) -> bool:
        return isinstance(python_type, type) and issubclass(python_type, self.cls)

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        lt = LiteralType()
        lt.blob.SetInParent()
        lt.blob.format = python_type.extension()
        lt.blob.dimensionality = self.dimensionality
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if literal_type.WhichOneof("type") != "blob":
            return None
        blob = literal_type.blob
        if blob.dimensionality != self.dimensionality or blob.format == "PythonPickle":
            return None
        return self.cls[blob.format] if blob.format else self.cls  # type: ignore[index]

    @abc.abstractmethod
    def uri_of(self, value: Any, python_type: Any) -> str:
        """The URI for the literal of ``value``, uploading a local value when it must."""

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        blob_type = literal_type.blob
        uri_of = self.uri_of

        def write(value: Any, out: literals_pb2.Literal) -> None:
            uri = uri_of(value, python_type)
            blob = out.scalar.blob
            blob.metadata.type.CopyFrom(blob_type)
            blob.uri = uri
            metadata = getattr(value, "metadata", None)
            if metadata:
                out.metadata.update(metadata)

        return write

    @abc.abstractmethod
    def make(self, python_type: Any, uri: str, literal: literals_pb2.Literal | None) -> Any:
        """The value of ``python_type`` for a blob at ``uri`` (checked, not fetched)."""

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        from featherkit.types._common import generic_payload
        from featherkit.types.codec import unpack

        make = self.make
        expected = f"a {self.what} blob"
        dimensionality = self.dimensionality

        def from_plain(plain: Any) -> Any:
            if not isinstance(plain, dict) or not isinstance(plain.get("path"), str):
                raise mismatch('a mapping {"path": uri}', plain)
            return make(python_type, plain["path"], None)

        def read(literal: literals_pb2.Literal) -> Any:
            scalar = literal.scalar
            kind = scalar.WhichOneof("value")
            if kind == "blob":
                if scalar.blob.metadata.type.dimensionality != dimensionality:
                    other = "directory" if dimensionality == SINGLE else "file"
                    raise TypeTransformerError(
                        f"{scalar.blob.uri} is a {other}, not a {self.what}",
                        expected=expected, received=f"a {other} blob",
                    )
                return make(python_type, scalar.blob.uri, literal)
            if kind == "generic":
                return from_plain(generic_payload(literal))
            payload = msgpack_payload(literal) if kind == "binary" else None
            if payload is not None:
                return from_plain(unpack(payload))
            return read_other(literal, expected, read)

        return read


class FileTransformer(_BlobTransformer):
    """``File`` (``FlyteFile``) and its format subclasses <-> ``blob`` (SINGLE)."""

    name = "FlyteFilePath"
    python_type = File
    cls = File
    dimensionality = SINGLE
    what = "file"

    def uri_of(self, value: Any, python_type: Any) -> str:
        from featherkit import storage

        target: str | None = None
        if isinstance(value, File):
            if value.remote_source is not None:
                return value.remote_source
            if value.remote_path is False or storage.is_remote(value.path):
                return value.path
            source = value.path
            if isinstance(value.remote_path, str):
                target = value.remote_path
        elif isinstance(value, (str, os.PathLike)):
            source = os.fspath(value)
            if storage.is_remote(source):
                _check_served(source)
                return source
        else:
            raise mismatch(f"a File, a path or a URI for {type_name(python_type)}", value)
        local = storage.local_path(source)
        if not os.path.isfile(local):
            problem = "is a directory, not a file" if os.path.isdir(local) else "does not exist"
            raise TypeTransformerError(
                f"the local file {os.path.abspath(local)!r} {problem}",
                expected="an existing local file", received=local,
            )
        prefix = _raw_prefix()
        if target is None:
            if not prefix:
                return os.path.abspath(local)
            target = storage.join(prefix, random_name(), os.path.basename(local))
        _check_served(target)
        try:
            storage.upload(local, target)
        except Exception as exc:
            raise _upload_error("file", local, target, exc) from exc
        return target

    def make(self, python_type: Any, uri: str, literal: literals_pb2.Literal | None) -> Any:
        from featherkit import storage

        wanted = isinstance(python_type, type) and issubclass(python_type, File)
        cls = python_type if wanted else File
        metadata = dict(literal.metadata) if literal is not None and literal.metadata else None
        if storage.is_remote(uri):
            _check_served(uri)
            return cls(uri, metadata=metadata)
        local = storage.local_path(uri)
        if not os.path.isfile(local):
            raise TypeTransformerError(
                f"the file {uri!r} does not exist (or is not a file)",
                expected="an existing file", received=uri,
            )
        return cls(local, metadata=metadata)

    def plain_schema(self, python_type: Any, engine: TypeEngine) -> dict[str, Any]:
        from featherkit.types.plain import file_schema

        return file_schema("FlyteFile", with_metadata=True)


class DirectoryTransformer(_BlobTransformer):
    """``Directory`` (``FlyteDirectory``) and its format subclasses <-> ``blob`` (MULTIPART)."""

    name = "FlyteDirectory"
    python_type = Directory
    cls = Directory
    dimensionality = MULTIPART
    what = "directory"

    def uri_of(self, value: Any, python_type: Any) -> str:
        from featherkit import storage

        target: str | None = None
        if isinstance(value, Directory):
            if value.remote_source is not None and not value.downloaded:
                return value.remote_source
            if value.remote_source is not None and value.remote_directory is None:
                return value.remote_source
            if value.remote_directory is False or storage.is_remote(value.path):
                return value.path
            source = value.path
            if isinstance(value.remote_directory, str):
                target = value.remote_directory
        elif isinstance(value, (str, os.PathLike)):
            source = os.fspath(value)
            if storage.is_remote(source):
                _check_served(source)
                return source
        else:
            raise mismatch(f"a Directory, a path or a URI for {type_name(python_type)}", value)
        local = storage.local_path(source)
        if not os.path.isdir(local):
            problem = "is a file, not a directory" if os.path.isfile(local) else "does not exist"
            raise TypeTransformerError(
                f"the local directory {os.path.abspath(local)!r} {problem}",
                expected="an existing local directory", received=local,
            )
        prefix = _raw_prefix()
        if target is None:
            if not prefix:
                return os.path.abspath(local)
            target = storage.join(prefix, random_name())
        _check_served(target)
        uploaded: list[str] = []
        try:
            for base, _, names in os.walk(local):
                for name in names:
                    path = os.path.join(base, name)
                    relative = os.path.relpath(path, local).replace(os.sep, "/")
                    uri = storage.join(target, relative)
                    storage.upload(path, uri)
                    uploaded.append(uri)
        except Exception as exc:
            for uri in uploaded:  # nothing half-written: a directory is all or nothing
                try:
                    storage.delete(uri)
                except Exception:  # the upload's error is the one to report
                    pass
            raise _upload_error("directory", local, target, exc) from exc
        return target

    def make(self, python_type: Any, uri: str, literal: literals_pb2.Literal | None) -> Any:
        from featherkit import storage

        cls = (
            python_type
            if isinstance(python_type, type) and issubclass(python_type, Directory)
            else Directory
        )
        if storage.is_remote(uri):
            _check_served(uri)
            return cls(uri)
        local = storage.local_path(uri)
        if not os.path.isdir(local):
            raise TypeTransformerError(
                f"the directory {uri!r} does not exist (or is not a directory)",
                expected="an existing directory", received=uri,
            )
        return cls(local)

    def plain_schema(self, python_type: Any, engine: TypeEngine) -> dict[str, Any]:
        from featherkit.types.plain import file_schema

        return file_schema("FlyteDirectory", with_metadata=False)
