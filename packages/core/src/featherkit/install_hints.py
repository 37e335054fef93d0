"""What to install for a name that a plugin provides: the one table core keeps of its plugins.

Core knows no plugin otherwise; these hints only make an error say what to ``pip install``
when something a well-known plugin provides is used without it.
"""

from __future__ import annotations

#: kind of name -> name -> the distribution that provides it
INSTALL_HINTS: dict[str, dict[str, str]] = {
    "task argument": {
        "pod_template": "featherkit-pod",
        "deck_fields": "featherkit-deck",
        "enable_deck": "featherkit-deck",
    },
    "resolver": {
        "featherkit.resolvers.pickle": "featherkit-resolver-pickle",
    },
    "cache backend": {
        "redis": "featherkit-cache-redis",
        "rediss": "featherkit-cache-redis",
    },
    "storage scheme": {
        "*": "featherkit-fsspec (plus the fsspec driver, e.g. s3fs)",
    },
    "image": {
        "ImageSpec": "featherkit-imagespec",
    },
}


def install_hint(kind: str, name: str) -> str | None:
    """The distribution providing ``name`` of ``kind`` (see :data:`INSTALL_HINTS`), if known."""
    table = INSTALL_HINTS[kind]
    return table.get(name) or table.get("*")
