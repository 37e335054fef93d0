"""What the container entrypoint reports when a task fails: flyteidl's ``ErrorDocument``.

Every failure is classified into a :class:`ErrorReport` (plain data, no protobuf) and then
encoded as ``flyteidl.core.errors_pb2.ErrorDocument{ContainerError{code, message, kind,
origin, timestamp, worker}}``. The mapping (DESIGN section 4, docs/entrypoint.md):

======================================  ======  ===============  ===========================
failure                                 origin  kind             code
======================================  ======  ===============  ===========================
task code raised (``UserCodeError``)    USER    NON_RECOVERABLE  ``error_code`` or
                                                                 ``USER:<ExceptionType>``
... a :class:`RecoverableError`         USER    RECOVERABLE      same
task cannot be loaded                   USER    NON_RECOVERABLE  same, of the root cause
inputs/outputs do not fit the task      SYSTEM  NON_RECOVERABLE  ``SYSTEM:<ExceptionType>``
anything else                           SYSTEM  RECOVERABLE      ``SYSTEM:<ExceptionType>``
======================================  ======  ===============  ===========================

The message starts with one line saying what failed, followed by the traceback; for user
errors the traceback starts at the first frame outside featherkit, so it shows the user's
code and not ours.
"""

from __future__ import annotations

import importlib
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from featherkit.errors import (
    FeatherkitUserError,
    RecoverableError,
    TaskInputError,
    TaskOutputError,
)
from featherkit.redact import redact_text

if TYPE_CHECKING:
    from flyteidl.core import errors_pb2

Origin = Literal["USER", "SYSTEM"]

_FEATHERKIT_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_IMPORTLIB_DIR = os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep


@dataclass(frozen=True)
class ErrorReport:
    """One failure, classified: what goes into ``error.pb``."""

    code: str
    message: str
    origin: Origin
    recoverable: bool
    timestamp: float

    def to_document(self, worker: str = "") -> errors_pb2.ErrorDocument:
        """The flyteidl ``ErrorDocument`` for this failure."""
        from flyteidl.core import errors_pb2, execution_pb2
        from google.protobuf import timestamp_pb2

        seconds = int(self.timestamp)
        stamp = timestamp_pb2.Timestamp(
            seconds=seconds, nanos=int((self.timestamp - seconds) * 1_000_000_000)
        )
        container_error = errors_pb2.ContainerError(
            code=self.code,
            message=self.message,
            kind=(
                errors_pb2.ContainerError.RECOVERABLE
                if self.recoverable
                else errors_pb2.ContainerError.NON_RECOVERABLE
            ),
            origin=(
                execution_pb2.ExecutionError.USER
                if self.origin == "USER"
                else execution_pb2.ExecutionError.SYSTEM
            ),
            timestamp=stamp,
            worker=worker,
        )
        return errors_pb2.ErrorDocument(error=container_error)


def safe_str(exc: BaseException) -> str:
    """``str(exc)``, surviving an exception whose ``__str__`` itself raises."""
    try:
        return str(exc)
    except Exception as inner:
        return f"<str() of the exception failed: {type(inner).__name__}>"


def describe(exc: BaseException) -> str:
    """``Type: message`` (or just ``Type`` for an empty message)."""
    text = safe_str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_internal(filename: str) -> bool:
    return filename.startswith((_FEATHERKIT_DIR, _IMPORTLIB_DIR, "<frozen importlib"))


def format_traceback(exc: BaseException, *, user: bool) -> str:
    """The traceback of ``exc`` (with its causes); for user errors, from the user's code on.

    Leading frames that belong to featherkit (or the import machinery) are dropped for user
    errors, unless every frame is featherkit's, in which case all are kept.
    """
    import traceback  # here: only a failure needs it, not every pod's start

    tb_exc = traceback.TracebackException.from_exception(exc)
    if user:
        frames = list(tb_exc.stack)
        first_user = next((i for i, f in enumerate(frames) if not _is_internal(f.filename)), None)
        if first_user:
            tb_exc.stack = traceback.StackSummary.from_list(frames[first_user:])
    return "".join(tb_exc.format()).rstrip("\n")


def user_code(exc: BaseException) -> str:
    """The error code of a user exception: its ``error_code`` (str or int) or ``USER:<Type>``."""
    code = getattr(exc, "error_code", None)
    if isinstance(code, bool) or not isinstance(code, (str, int)) or code == "":
        return f"USER:{type(exc).__name__}"
    return str(code)


def user_error(exc: BaseException, headline: str) -> ErrorReport:
    """A failure in the user's code (the task body, or loading the task's module)."""
    return ErrorReport(
        code=user_code(exc),
        message=redact_text(f"{headline}\n\n{format_traceback(exc, user=True)}"),
        origin="USER",
        recoverable=isinstance(exc, RecoverableError),
        timestamp=time.time(),
    )


def load_error(exc: BaseException, headline: str) -> ErrorReport:
    """The task could not be loaded: a USER error about the root failure.

    Resolvers wrap what went wrong (say a ``ModuleNotFoundError`` raised while importing the
    task's module) in a :class:`~featherkit.errors.FeatherkitUserError` that explains it; the
    code and the traceback then come from the wrapped exception, which is the user's.
    """
    root = exc
    if isinstance(exc, FeatherkitUserError) and exc.__cause__ is not None:
        root = exc.__cause__
    return ErrorReport(
        code=user_code(root),
        message=redact_text(f"{headline}\n\n{format_traceback(root, user=True)}"),
        origin="USER",
        recoverable=False,
        timestamp=time.time(),
    )


def system_error(exc: BaseException, headline: str) -> ErrorReport:
    """A failure outside the user's code: conversions are permanent, the rest retryable."""
    permanent = isinstance(exc, (TaskInputError, TaskOutputError))
    return ErrorReport(
        code=f"SYSTEM:{type(exc).__name__}",
        message=redact_text(f"{headline}\n\n{format_traceback(exc, user=False)}"),
        origin="SYSTEM",
        recoverable=not permanent,
        timestamp=time.time(),
    )
