"""Helpers for testing featherkit plugins and tasks; conformance suites live in submodules.

``registered(plugin)`` registers a plugin object for one ``with`` block.
"""

from featherkit.plugins import registered

__all__ = ["registered"]
