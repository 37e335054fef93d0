"""Helpers for testing featherkit plugins and tasks; conformance suites live in submodules.

``registered(plugin)`` registers a plugin object for one ``with`` block; ``MemoryStorage`` is
an in-memory object store to register that way.
"""

from featherkit.plugins import registered
from featherkit.testing.storage import MemoryStorage

__all__ = ["MemoryStorage", "registered"]
