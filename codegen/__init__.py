"""Regeneration of generated_client/ from openapi.yaml, and the drift check that guards it."""

from codegen.regenerate import Drift, GenerationError, compare, find_drift, generate

__all__ = ["Drift", "GenerationError", "compare", "find_drift", "generate"]
