"""Secrets out of messages: the one helper every message or log line showing a location uses.

A location (a cache URL, a storage URI, a SQL database URI, a Redis URL) may carry a
credential: the password of ``scheme://user:password@host``, or a query parameter such as
``?password=...``, ``?token=...``, an Azure SAS ``sig=...``. Whatever featherkit or a plugin
prints, logs, warns or raises about a location goes through :func:`redact_location` (one
location) or :func:`redact_text` (a message that may hold locations, such as the text of a
driver's exception), which replace each secret with ``***`` and keep everything else, so the
message still says where.

Plugins import both from :mod:`featherkit.extend`.
"""

from __future__ import annotations

import re

__all__ = ["MASK", "redact_location", "redact_text"]

MASK = "***"

#: query parameters whose value is a secret (compared lower-cased, ``-`` read as ``_``)
SECRET_PARAMETERS = frozenset({
    "password", "passwd", "pwd", "pass", "secret", "client_secret", "token", "access_token",
    "auth_token", "refresh_token", "api_key", "apikey", "key", "access_key", "secret_key",
    "secret_access_key", "aws_secret_access_key", "account_key", "sas", "sig", "signature",
    "credential", "credentials", "session_token", "x_amz_signature", "x_amz_security_token",
    "x_goog_signature", "auth",
})

# Patterns as strings, compiled (and kept by ``re``'s cache) at the first message holding a
# URL; nor is urllib.parse imported before one: every pod's start imports this module.
# scheme://anything-up-to-whitespace-or-quote; the scheme may carry '+' ('rediss+x://')
_URL = r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>`]+"
# name=value in a query string or fragment
_QUERY_PAIR = r"([?&;])([^=&;#]+)=([^&;#]*)"


def _secret_parameter(name: str) -> bool:
    return name.strip().lower().replace("-", "_") in SECRET_PARAMETERS


def _redact_query(query: str) -> str:
    def replace(match: re.Match[str]) -> str:
        sep, name, value = match.groups()
        return f"{sep}{name}={MASK}" if value and _secret_parameter(name) else match.group(0)

    return re.sub(_QUERY_PAIR, replace, "?" + query)[1:]


def redact_location(location: str) -> str:
    """``location`` with its credentials replaced by ``***``.

    ``rediss://alice:Hunter2@host:6380/0?ssl_cert_reqs=none`` becomes
    ``rediss://alice:***@host:6380/0?ssl_cert_reqs=none``; a token in the query
    (``?token=...``, ``&sig=...``) becomes ``***``. A user name alone is kept (it is not a
    secret and tells which account was used); a location that is not a URL is returned as
    it is. Never raises.
    """
    if "://" not in location:
        return location
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(location)
    except ValueError:
        # not parseable as a URL (an unbalanced '[' in the host): hide the whole userinfo
        head, sep, rest = location.partition("://")
        if "@" in rest.split("/", 1)[0]:
            return f"{head}{sep}{MASK}@{rest.split('@', 1)[1]}"
        return location
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, colon, password = userinfo.partition(":")
        if colon and password:
            netloc = f"{user}:{MASK}@{host}"
    query = _redact_query(parts.query) if parts.query else parts.query
    fragment = _redact_query(parts.fragment) if "=" in parts.fragment else parts.fragment
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return location
    return urlunsplit(parts._replace(netloc=netloc, query=query, fragment=fragment))


def redact_text(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_location`.

    For messages that embed locations (an exception from a driver, a composed error); text
    without ``://`` is returned unchanged at the cost of one substring test.
    """
    if "://" not in text:
        return text
    return re.sub(_URL, lambda match: redact_location(match.group(0)), text)
