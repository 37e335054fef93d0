"""The errors SQL tasks raise; each message names the task and what was expected."""

from __future__ import annotations

from featherkit.extend import FeatherkitUserError


class SQLDefinitionError(FeatherkitUserError, ValueError):
    """A SQL task is defined wrongly (placeholders, inputs, output type, configuration)."""


class SQLExecutionError(FeatherkitUserError):
    """The database could not be opened or could not run the query."""


class SQLResultError(FeatherkitUserError, TypeError):
    """The rows a query returned do not fit the task's declared output type."""
