"""Tests of featherkit-pydantic run with strict plugin loading (a broken plugin fails)."""

from __future__ import annotations

import os

os.environ.setdefault("FEATHERKIT_STRICT_PLUGINS", "1")
