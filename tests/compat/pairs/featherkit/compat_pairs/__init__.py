"""Compatibility task definitions written with featherkit (the twin of ../../flytekit/)."""
