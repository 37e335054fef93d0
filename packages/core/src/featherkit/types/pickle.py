"""The fallback for types nothing else handles: a pickle file, as flytekit's ``FlytePickle``.

Literal type: ``blob{format: "PythonPickle", dimensionality: SINGLE}`` with metadata
``{"python_class_name": str(python_type)}``; literal: ``scalar.blob{metadata, uri}``; union tag
``FlytePickle``: all as flytekit 1.16.

Where the file goes: for now a local directory, chosen by the ``storage_dir_provider`` given
to :class:`PickleTransformer` (a callable, so the directory can follow the current execution's
raw output prefix once storage plugins exist). Without one, ``$FEATHERKIT_PICKLE_DIR`` or
``<tmp>/featherkit-pickles``. The file is named by the SHA-256 of its content and written
atomically (temporary file, then rename), so equal values share one file and a reader never
sees half a pickle. The blob URI is the absolute local path; reading accepts a path or a
``file://`` URI and refuses remote URIs until storage is wired.

Pickles are written with the standard library's :mod:`pickle` (featherkit does not depend on
cloudpickle): flytekit reads them, since cloudpickle's loader is pickle's. The other way works
for values of importable classes; a flytekit pickle of something cloudpickle serialised by
value (a lambda, a class defined in ``__main__``) needs cloudpickle installed to load.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from featherkit.redact import redact_location
from featherkit.types._common import BuiltinTransformer, LiteralType, read_other
from featherkit.types.base import Reader, Writer
from featherkit.types.errors import TypeTransformerError, mismatch, type_name

if TYPE_CHECKING:
    from pathlib import Path

    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.types.engine import TypeEngine

T = TypeVar("T")

PYTHON_PICKLE_FORMAT = "PythonPickle"


class Pickled(Generic[T]):
    """Marker type: annotate ``Pickled`` (or ``Pickled[Foo]``) to send a value as a pickle.

    It is also what :meth:`TypeEngine.guess_python_type` answers for a pickle blob type.
    """


def default_storage_dir() -> Path:
    """``$FEATHERKIT_PICKLE_DIR``, else ``<tmp>/featherkit-pickles``."""
    from pathlib import Path  # here: pathlib (and urllib.parse) cost every pod's cold start

    configured = os.environ.get("FEATHERKIT_PICKLE_DIR")
    if configured:
        return Path(configured)
    import tempfile  # here: tempfile and hashlib cost every pod's cold start

    return Path(tempfile.gettempdir()) / "featherkit-pickles"


class PickleTransformer(BuiltinTransformer[Any]):
    """Pickles values into files under ``storage_dir_provider()``; see the module docstring."""

    name = "FlytePickle"
    python_type = Pickled
    is_fallback = True

    def __init__(
        self, storage_dir_provider: Callable[[], str | os.PathLike[str]] | None = None
    ) -> None:
        super().__init__()
        self.storage_dir_provider = storage_dir_provider or default_storage_dir

    def matches(self, python_type: Any) -> bool:
        return python_type is Pickled or getattr(python_type, "__origin__", None) is Pickled

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        lt = LiteralType()
        lt.blob.format = PYTHON_PICKLE_FORMAT
        lt.metadata.update({"python_class_name": str(python_type)})
        return lt

    def guess_with(self, literal_type: types_pb2.LiteralType, engine: TypeEngine) -> Any | None:
        if (
            literal_type.WhichOneof("type") == "blob"
            and literal_type.blob.format == PYTHON_PICKLE_FORMAT
            and literal_type.blob.dimensionality == 0
        ):
            return Pickled
        return None

    def compile_writer(
        self, python_type: Any, literal_type: types_pb2.LiteralType, engine: TypeEngine
    ) -> Writer:
        def write(value: Any, out: literals_pb2.Literal) -> None:
            if value is None:
                raise mismatch(f"a value to pickle for {type_name(python_type)}", value)
            blob = out.scalar.blob
            blob.metadata.type.format = PYTHON_PICKLE_FORMAT
            blob.uri = self.dump(value)

        return write

    def compile_reader(self, python_type: Any, engine: TypeEngine) -> Reader:
        def read(literal: literals_pb2.Literal) -> Any:
            scalar = literal.scalar
            if scalar.WhichOneof("value") == "blob":
                return self.load(scalar.blob.uri)
            return read_other(literal, "a pickle blob", read)

        return read

    def dump(self, value: Any) -> str:
        """Pickle ``value`` into the storage directory; return the file's absolute path."""
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeTransformerError(
                f"cannot pickle {type_name(type(value))}: {exc}",
                expected="a picklable value",
                received=type_name(type(value)),
            ) from exc
        import hashlib
        import tempfile
        from pathlib import Path

        directory = Path(self.storage_dir_provider()).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / hashlib.sha256(data).hexdigest()
        if not target.exists():
            fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        return str(target)

    def load(self, uri: str) -> Any:
        """Unpickle the file at ``uri`` (a local path or ``file://`` URI)."""
        from urllib.parse import unquote, urlparse

        parsed = urlparse(uri)
        if parsed.scheme == "file":
            path = unquote(parsed.path)
        elif parsed.scheme and len(parsed.scheme) > 1:  # one letter: a Windows drive
            raise TypeTransformerError(
                f"cannot read the pickle at {redact_location(uri)!r}: remote storage is not "
                "configured (only local paths and file:// URIs are read for now)"
            )
        else:
            path = uri
        with open(path, "rb") as handle:
            return pickle.load(handle)
