"""The type engine: Python values <-> Flyte literals, with flytekit's wire encodings.

``TypeEngine`` finds a ``TypeTransformer`` per Python type and converts through it;
``builtin_transformers()`` is what core registers. Importing this package is cheap: the
protobuf modules load when a builtin transformer is first created.
"""

from featherkit.types.base import TypeTransformer
from featherkit.types.defaults import builtin_transformers
from featherkit.types.engine import PickleFallbackWarning, TypeEngine
from featherkit.types.errors import TypeTransformerError

__all__ = [
    "PickleFallbackWarning",
    "TypeEngine",
    "TypeTransformer",
    "TypeTransformerError",
    "builtin_transformers",
]
