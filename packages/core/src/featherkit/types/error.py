"""``featherkit.types.error.FlyteError``: flytekit's import path for :class:`FlyteError`.

The class lives in :mod:`featherkit.flyte_error`; this module lets code written for
``flytekit.types.error`` run unchanged with its imports renamed.
"""

from featherkit.flyte_error import FlyteError

__all__ = ["FlyteError"]
