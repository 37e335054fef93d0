"""``FlyteError``: what a workflow's failure handler receives as its ``err`` input.

A failure handler (``@workflow(on_failure=handler)``) may declare ``err: Optional[FlyteError]``;
Flyte fills it with the failed node's id and the error message. On the wire it is the literal
type ``simple: ERROR`` and the literal ``scalar.error`` (``flyteidl.core.Error``), with
flytekit's transformer name ``FlyteError``, so values cross between the SDKs.

``featherkit.types.error`` is also flytekit's import path (``flytekit.types.error``), so code
written for flytekit runs unchanged with its imports renamed. The transformer is registered by
the builtin plugin :mod:`featherkit.flyte_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from featherkit._records import FrozenRecord
from featherkit.types.base import TypeTransformer
from featherkit.types.errors import TypeTransformerError

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2


@dataclass(init=False, repr=False, eq=False)
class FlyteError(FrozenRecord):
    """The error of a failed workflow node: its message and the node's id."""

    message: str
    failed_node_id: str

    def __init__(self, message: str, failed_node_id: str) -> None:
        self._assign(message, failed_node_id)


class FlyteErrorTransformer(TypeTransformer[FlyteError]):
    name = "FlyteError"
    python_type = FlyteError

    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        from flyteidl.core import types_pb2

        return types_pb2.LiteralType(simple=types_pb2.ERROR)

    def to_literal(
        self, value: Any, python_type: Any, expected: types_pb2.LiteralType
    ) -> literals_pb2.Literal:
        from flyteidl.core import literals_pb2

        if not isinstance(value, FlyteError):
            raise TypeTransformerError(
                f"expected a FlyteError, got {type(value).__name__} {value!r}"
            )
        literal = literals_pb2.Literal()
        literal.scalar.error.message = value.message
        literal.scalar.error.failed_node_id = value.failed_node_id
        return literal

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> FlyteError:
        if not (literal.HasField("scalar") and literal.scalar.HasField("error")):
            raise TypeTransformerError(
                f"expected an error literal (scalar.error), got {literal.WhichOneof('value')}"
            )
        error = literal.scalar.error
        return FlyteError(message=error.message, failed_node_id=error.failed_node_id)

    def guess_python_type(self, literal_type: types_pb2.LiteralType) -> Any | None:
        from flyteidl.core import types_pb2

        if literal_type.WhichOneof("type") == "simple" and literal_type.simple == types_pb2.ERROR:
            return FlyteError
        return None


__all__ = ["FlyteError", "FlyteErrorTransformer"]
