"""Compatibility task definitions written with flytekit (the twin of ../../featherkit/)."""
