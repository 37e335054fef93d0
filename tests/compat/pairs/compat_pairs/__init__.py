"""Compatibility task definitions, written once with featherkit's imports.

The compat session derives the flytekit side by rewriting the imports (compat_support.py).
"""
