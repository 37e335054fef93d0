"""featherkit-resolver-template: run a task from its serialized ``TaskTemplate``.

For task types whose work is fully described by the template (SQL queries, prebuilt
containers): the container image holds the plugin, not the user's code. Loader args are
``["{{.taskTemplatePath}}", "<executor name>"]``; Flyte propeller substitutes the path of the
task's template, and the executor is looked up by name among those registered through the
``register_template_executors`` hook (never imported from a path the template names).
"""

from __future__ import annotations

from featherkit_resolver_template.resolver import (
    LOCATION,
    TEMPLATE_PATH,
    TemplateResolver,
    template_resolver,
)

__all__ = ["LOCATION", "TEMPLATE_PATH", "TemplateResolver", "template_resolver"]
