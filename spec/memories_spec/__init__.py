"""The memories.ai image-embedding contract: the bundled openapi.yaml and the one loader of it.

The mock reads its operations and examples here, the contract suite and the conformance tool their schemas and
facts, and the tests hold the SDK's hand-written checks to the same schemas.
"""

from memories_spec.document import (
    JSON,
    MULTIPART,
    SPEC_PATH,
    accepted_image_types,
    binary_fields,
    documented_error_statuses,
    load_spec,
    lookup,
    model_dimensions,
    operation_price,
    pointer,
    request_body_pointer,
    resolve,
    response_schema_pointer,
)
from memories_spec.examples import DocumentedResponse, Example, Operation, iter_examples, operations
from memories_spec.validation import multipart_body_is_valid, validator

__all__ = [
    "JSON",
    "MULTIPART",
    "SPEC_PATH",
    "DocumentedResponse",
    "Example",
    "Operation",
    "accepted_image_types",
    "binary_fields",
    "documented_error_statuses",
    "iter_examples",
    "load_spec",
    "lookup",
    "model_dimensions",
    "multipart_body_is_valid",
    "operation_price",
    "operations",
    "pointer",
    "request_body_pointer",
    "resolve",
    "response_schema_pointer",
    "validator",
]
