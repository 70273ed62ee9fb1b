"""Regeneration of generated_client/ from openapi.yaml, the drift check that guards it, and the change report.

`python -m codegen changes` (codegen.changes) says what a spec edit breaks for clients generated before it.
"""

from codegen.regenerate import Drift, GenerationError, compare, find_drift, generate

__all__ = ["Drift", "GenerationError", "compare", "find_drift", "generate"]
