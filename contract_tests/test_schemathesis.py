"""The mock against the spec, in process, with schemathesis 4.x: every check, positive and negative data,
the examples, coverage and fuzzing phases, and the stateful phase that follows the upload link to
embedding by asset id. Positive cases carry real images, so the happy path is exercised, not just refusals.
"""

from collections import Counter
from typing import Any

import hypothesis
import schemathesis

from contract_tests import schemathesis_hooks  # noqa: F401  (registers image strategies, checks, filters)
from contract_tests.conftest import CONTRACT_SETTINGS
from contract_tests.schemathesis_config import contract_config, profile
from contract_tests.spec import SPEC_PATH
from mock_server import DOCUMENTED_TEST_KEY, create_app

# (operation, media type, phase, status) of every case the tests below sent.
SENT: Counter[tuple[str, str, str, int]] = Counter()


# Built at import, not through schemathesis.pytest.from_fixture: its lazy schema reads
# `request.node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_path(SPEC_PATH, config=contract_config(DOCUMENTED_TEST_KEY))
schema.app = create_app(CONTRACT_SETTINGS)


def record(case: schemathesis.Case[Any], response: schemathesis.Response) -> None:
    media_type = (case.media_type or "-").partition(";")[0]
    phase = case.meta.phase.name if case.meta is not None else "-"
    SENT[(case.operation.label, media_type, str(phase), response.status_code)] += 1


@schema.parametrize()
def test_mock_honours_the_contract(case: schemathesis.Case[Any]) -> None:
    response = case.call()
    record(case, response)
    case.validate_response(response)


def test_stateful_upload_then_embed_by_asset_id() -> None:
    base = schema.as_state_machine()
    linked: Counter[int] = Counter()

    class UploadThenEmbed(base):  # type: ignore[misc, valid-type]
        def after_call(self, response: schemathesis.Response, case: schemathesis.Case[Any]) -> None:
            super().after_call(response, case)
            record(case, response)
            body = case.body if isinstance(case.body, dict) else {}
            if case.operation.label == "POST /embeddings/image" and str(body.get("asset_id", "")).startswith("re_"):
                linked[response.status_code] += 1

    settings = hypothesis.settings(
        max_examples=profile()["max-examples"],
        stateful_step_count=profile()["max-steps"],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    UploadThenEmbed.run(settings=settings)
    assert linked[200] > 0, linked  # ids from uploads reached the embedding, and were embedded


def test_the_happy_paths_were_reached() -> None:
    # Last in the module (pytest keeps file order): refusals alone would pass every check above, so the
    # successes must have been exercised too, by the tests above.
    successes = {(operation, media_type) for operation, media_type, _, status in SENT if status == 200}
    assert successes >= {
        ("POST /upload", "multipart/form-data"),
        ("POST /embeddings/image", "multipart/form-data"),
        ("POST /embeddings/image", "application/json"),
    }, SENT
