"""The cache settings follow the environment on every call, however it is changed."""

from __future__ import annotations

import os

from featherkit.cache import config


def test_a_change_through_os_environ_takes_effect_at_once(monkeypatch):
    monkeypatch.setenv("FEATHERKIT_CACHE", "off")
    assert not config.current_settings().enabled
    monkeypatch.setenv("FEATHERKIT_CACHE", "sqlite")
    monkeypatch.setenv("FEATHERKIT_CACHE_OVERWRITE", "1")
    settings = config.current_settings()
    assert settings.enabled and settings.overwrite
    monkeypatch.delenv("FEATHERKIT_CACHE_OVERWRITE")
    assert not config.current_settings().overwrite


def test_os_environ_replaced_wholesale_is_read(monkeypatch):
    replaced = dict(os.environ, FEATHERKIT_CACHE="off", FEATHERKIT_CACHE_DIR="/elsewhere")
    monkeypatch.setattr(os, "environ", replaced)
    assert config._read_env()[:2] == ("off", "/elsewhere")
    assert not config.current_settings().enabled


def test_values_are_text(monkeypatch):
    monkeypatch.setenv("FEATHERKIT_CACHE_DIR", "/tmp-not-used/é")
    assert config.current_settings().location == "/tmp-not-used/é"
