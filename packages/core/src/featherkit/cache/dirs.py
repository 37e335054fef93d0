"""Where the embedded cache lives by default, by each platform's convention.

Computed by hand (a few lines) rather than with platformdirs, to keep core's dependencies few:

* Linux and other Unix: ``$XDG_CACHE_HOME/featherkit`` (an absolute ``XDG_CACHE_HOME`` only, as
  the XDG spec says), else ``~/.cache/featherkit``;
* macOS: ``~/Library/Caches/featherkit``;
* Windows: ``%LOCALAPPDATA%\\featherkit\\Cache``.

``FEATHERKIT_CACHE_DIR`` overrides all of them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "featherkit"


def user_cache_dir(
    platform: str | None = None, environ: dict[str, str] | None = None, home: Path | None = None
) -> Path:
    """The per-user cache directory for featherkit on ``platform`` (default: this one)."""
    platform = sys.platform if platform is None else platform
    environ = dict(os.environ) if environ is None else environ
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / APP / "Cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / APP
    xdg = environ.get("XDG_CACHE_HOME", "")
    base_path = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base_path / APP


def default_cache_dir() -> Path:
    """``FEATHERKIT_CACHE_DIR`` if set, else :func:`user_cache_dir`."""
    configured = os.environ.get("FEATHERKIT_CACHE_DIR", "")
    return Path(configured).expanduser() if configured else user_cache_dir()
