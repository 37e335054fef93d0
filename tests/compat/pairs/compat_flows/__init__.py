"""Workflow definitions written once, with featherkit's imports (see single_source.py)."""
