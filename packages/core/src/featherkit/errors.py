"""Exceptions users raise or catch, and the ones featherkit raises for bad input."""

from __future__ import annotations


class IgnoreOutputs(Exception):
    """Raise from ``execute`` (or a ``post_execute`` hook) to finish without any outputs.

    Locally the call returns ``None``; in a container nothing is written under the output
    prefix, which distributed-training plugins use so that only one worker reports.
    """


class RecoverableError(Exception):
    """A user error worth retrying: the backend marks it RECOVERABLE and retries the task."""


#: flytekit's name for :class:`RecoverableError` (the same class)
FlyteRecoverableException = RecoverableError


class FeatherkitUserError(Exception):
    """An error in how featherkit was used (bad definition, bad settings); not a crash."""


class SerializationError(FeatherkitUserError):
    """A task cannot be serialized as it is; the message says why and what to do."""


class TaskInputError(TypeError, AssertionError, ValueError):
    """A task was called with inputs that do not fit its interface.

    Also a :class:`ValueError` and an :class:`AssertionError`, as flytekit's conversion error
    is, so ``except ValueError`` written for flytekit keeps working.
    """


class TaskOutputError(TypeError, AssertionError, ValueError):
    """A task returned values that do not fit its declared outputs (same bases as above)."""


class UserCodeError(Exception):
    """Wraps an exception raised by a task's own code during ``dispatch_execute``.

    The container entrypoint uses it to tell user errors from system errors; a local call
    unwraps it, so callers see their own exception.
    """

    def __init__(self, task_name: str, original: BaseException) -> None:
        super().__init__(f"task {task_name!r} raised {type(original).__name__}: {original}")
        self.task_name = task_name
        self.original = original
