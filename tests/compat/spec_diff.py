"""Field-by-field comparison of two protobuf messages, with the allowed differences applied.

``differences(theirs, ours)`` walks both messages (as ``json_format.MessageToDict`` dicts, so
unset fields are absent and set-but-empty messages are ``{}``: presence is compared too) and
returns every field where they differ, each marked with the :mod:`allowed_differences` rule
that accepts it, or none. ``assert_same(theirs, ours)`` fails with the list of unaccepted ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allowed_differences import ALLOWED, MISSING, AllowedDifference
from google.protobuf import json_format
from google.protobuf.message import Message


@dataclass(frozen=True)
class Difference:
    """Where two messages differ; ``rule`` is the allowed difference accepting it, if any."""

    path: str
    theirs: Any
    ours: Any
    rule: AllowedDifference | None

    def __str__(self) -> str:
        return f"{self.path}:\n    flytekit:   {self.theirs!r}\n    featherkit: {self.ours!r}"


def as_dict(message: Message | dict[str, Any]) -> dict[str, Any]:
    if isinstance(message, dict):
        return message
    result: dict[str, Any] = json_format.MessageToDict(message, preserving_proto_field_name=True)
    return result


def _rule(path: str) -> AllowedDifference | None:
    return next((rule for rule in ALLOWED if rule.matches(path)), None)


def _walk(path: str, theirs: Any, ours: Any, found: list[Difference]) -> None:
    if theirs == ours:
        return
    rule = _rule(path)
    if rule is not None:
        accepted = rule.allows(theirs, ours)
        # a rule refusing two messages: report the fields that differ, not the whole message
        if accepted or not (isinstance(theirs, dict) and isinstance(ours, dict)):
            found.append(Difference(path, theirs, ours, rule if accepted else None))
            return
    if isinstance(theirs, dict) and isinstance(ours, dict):
        for key in sorted(set(theirs) | set(ours)):
            _walk(
                f"{path}.{key}" if path else key,
                theirs.get(key, MISSING),
                ours.get(key, MISSING),
                found,
            )
        return
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        for index, (left, right) in enumerate(zip(theirs, ours)):
            _walk(f"{path}[{index}]", left, right, found)
        return
    found.append(Difference(path, theirs, ours, None))


def differences(
    theirs: Message | dict[str, Any], ours: Message | dict[str, Any]
) -> list[Difference]:
    """Every field where flytekit's message (``theirs``) and featherkit's (``ours``) differ."""
    found: list[Difference] = []
    _walk("", as_dict(theirs), as_dict(ours), found)
    return found


def assert_same(
    theirs: Message | dict[str, Any], ours: Message | dict[str, Any], what: str = ""
) -> list[Difference]:
    """Fail unless every difference is an allowed one; return the allowed ones."""
    found = differences(theirs, ours)
    bad = [d for d in found if d.rule is None]
    if bad:
        listing = "\n".join(str(d) for d in bad)
        raise AssertionError(
            f"{what or 'messages'} differ from flytekit in {len(bad)} field(s) not listed in "
            f"tests/compat/allowed_differences.py:\n{listing}"
        )
    return found
