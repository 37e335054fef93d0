"""The type transformer for ``pydantic.BaseModel`` subclasses, with flytekit's encoding.

On the wire (what flytekit 1.16 writes, so values cross between the two SDKs):

* literal type: ``simple: STRUCT`` whose ``metadata`` is the model's JSON schema
  (``model_json_schema()``), whose ``structure.dataclass_type`` holds the literal type of each
  field (for attribute access in Flyte propeller; a field without one is left out), and whose
  annotation is ``cache-key-metadata: {serialization-format: msgpack}``;
* literal: ``scalar.binary`` tagged ``msgpack``, holding the model's JSON form
  (``model_dump_json()``) packed with msgpack, so enums, dates and nested models are encoded
  as pydantic's JSON mode encodes them;
* reading accepts that, and the older ``scalar.generic`` JSON struct (what the Flyte console
  sends); both are validated with ``model_validate_json`` (lax mode), as flytekit does;
* union tag: ``Pydantic Transformer``, flytekit's name for it.

pydantic is imported only when a model type is first converted: a process that never uses
a model does not pay for it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from featherkit.extend import TypeTransformer, TypeTransformerError

if TYPE_CHECKING:
    from flyteidl.core import literals_pb2, types_pb2

    from featherkit.extend import TypeEngine

MSGPACK = "msgpack"
CACHE_KEY_METADATA = "cache-key-metadata"
SERIALIZATION_FORMAT = "serialization-format"


class PydanticModel:
    """The registration key of :class:`PydanticTransformer` (it matches every BaseModel)."""


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a ``pydantic.BaseModel`` subclass (without importing pydantic)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(tp, type):
        return False
    return issubclass(tp, pydantic.BaseModel) and tp is not pydantic.BaseModel


class PydanticTransformer(TypeTransformer[Any]):
    """``pydantic.BaseModel`` subclasses as msgpack binaries with a JSON-schema literal type."""

    name = "Pydantic Transformer"
    python_type = PydanticModel

    def matches(self, python_type: Any) -> bool:
        return is_model(python_type)

    def literal_type_for(self, python_type: Any, engine: TypeEngine) -> types_pb2.LiteralType:
        from flyteidl.core import types_pb2

        model = _model(python_type)
        lt = types_pb2.LiteralType(simple=types_pb2.SimpleType.STRUCT)
        lt.metadata.update(model.model_json_schema())
        lt.structure.SetInParent()
        fields = lt.structure.dataclass_type
        for name, info in model.model_fields.items():
            try:
                field_type = engine.literal_type_of(info.annotation, warn=False)
            except (TypeError, ValueError):
                continue  # flytekit leaves out a field it has no literal type for
            fields[name].CopyFrom(field_type)
        lt.annotation.annotations.update({CACHE_KEY_METADATA: {SERIALIZATION_FORMAT: MSGPACK}})
        return lt

    def get_literal_type(self, python_type: Any) -> types_pb2.LiteralType:
        from featherkit.extend import type_engine

        return self.literal_type_for(python_type, type_engine())

    def to_literal(
        self, value: Any, python_type: Any, expected: types_pb2.LiteralType | None = None
    ) -> literals_pb2.Literal:
        import msgpack
        from flyteidl.core import literals_pb2

        model = _model(python_type)
        if not isinstance(value, model):
            raise TypeTransformerError(
                f"expected an instance of {model.__module__}.{model.__qualname__}, received "
                f"{type(value).__module__}.{type(value).__qualname__}",
                expected=model.__qualname__,
                received=type(value).__qualname__,
            )
        import json  # here: registering the transformer at a pod's start needs none

        try:
            plain = json.loads(value.model_dump_json())
        except ValueError as exc:  # pydantic's serialization errors are ValueErrors
            raise TypeTransformerError(
                f"{model.__qualname__} cannot be encoded as JSON: {exc}"
            ) from exc
        literal = literals_pb2.Literal()
        literal.scalar.binary.value = msgpack.packb(plain)
        literal.scalar.binary.tag = MSGPACK
        return literal

    def to_python_value(self, literal: literals_pb2.Literal, python_type: Any) -> Any:
        model = _model(python_type)
        scalar = literal.scalar
        kind = scalar.WhichOneof("value") if literal.WhichOneof("value") == "scalar" else None
        if kind == "binary":
            if scalar.binary.tag != MSGPACK:
                raise TypeTransformerError(
                    f"cannot read a {model.__qualname__} from a binary tagged "
                    f"{scalar.binary.tag!r}; expected {MSGPACK!r}"
                )
            import json

            import msgpack

            text = json.dumps(msgpack.unpackb(scalar.binary.value, strict_map_key=False))
        elif kind == "generic":
            from google.protobuf import json_format

            text = json_format.MessageToJson(scalar.generic)
        else:
            raise TypeTransformerError(
                f"cannot read a {model.__qualname__} from a literal holding "
                f"{kind or literal.WhichOneof('value') or 'nothing'}; expected msgpack bytes "
                "(scalar.binary) or a JSON struct (scalar.generic)"
            )
        from pydantic import ValidationError

        try:
            return model.model_validate_json(text, strict=False, context={"deserialize": True})
        except ValidationError as exc:
            raise TypeTransformerError(
                f"the literal does not validate as {model.__qualname__}: {exc}"
            ) from exc

    def to_html(self, value: Any, python_type: Any) -> str:
        import html

        return f"<pre>{html.escape(value.model_dump_json(indent=2))}</pre>"


def _model(python_type: Any) -> Any:
    from typing import Annotated, get_args, get_origin

    while get_origin(python_type) is Annotated:
        python_type = get_args(python_type)[0]
    if not is_model(python_type):
        raise TypeTransformerError(f"{python_type!r} is not a pydantic BaseModel subclass")
    return python_type
