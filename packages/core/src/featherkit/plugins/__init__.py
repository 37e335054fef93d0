"""featherkit's plugin platform: the manager and loading (:mod:`.manager`), the registry
mechanism behind every ``register_*`` hook (:mod:`.registry`) and the typed facade through
which core calls every hook (:mod:`.facade`).

Plugin authors import from :mod:`featherkit.extend`, not from here.
"""

from featherkit.plugins.facade import Answer, Hooks, call_hook, collect, hooks
from featherkit.plugins.manager import (
    BUILTIN_MODULES,
    BUILTIN_PREFIX,
    ENTRY_POINT_GROUP,
    PluginError,
    PluginInfo,
    PluginManager,
    current_manager,
    get_plugin_manager,
    is_builtin,
    registered,
    reset_plugin_manager,
    strict_mode,
)
from featherkit.plugins.registry import REGISTRIES, Entries, Registry

__all__ = [
    "BUILTIN_MODULES",
    "BUILTIN_PREFIX",
    "ENTRY_POINT_GROUP",
    "REGISTRIES",
    "Answer",
    "Entries",
    "Hooks",
    "PluginError",
    "PluginInfo",
    "PluginManager",
    "Registry",
    "call_hook",
    "collect",
    "current_manager",
    "get_plugin_manager",
    "hooks",
    "is_builtin",
    "registered",
    "reset_plugin_manager",
    "strict_mode",
]
