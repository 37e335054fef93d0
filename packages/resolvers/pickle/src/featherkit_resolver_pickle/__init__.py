"""featherkit-resolver-pickle: ship tasks a container cannot import, by cloudpickle.

Tasks defined in a notebook, in a script's ``__main__`` or inside a function have no module a
container could import. Opted into explicitly, this resolver pickles the task (its function
and closure) at serialization into a content-addressed file under a prefix, through
:mod:`featherkit.storage`, and writes ``[<file URI>, <SHA-256 of the file>]`` as loader args;
the container refuses a file whose digest differs. It is never the default.
"""

from __future__ import annotations

from featherkit_resolver_pickle.resolver import (
    LOCATION,
    PREFIX_SETTING,
    PickleResolver,
    pickle_resolver,
)

__all__ = ["LOCATION", "PREFIX_SETTING", "PickleResolver", "pickle_resolver"]
