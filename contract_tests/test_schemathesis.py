"""The mock against the spec, in process, with schemathesis 4.x: every check, positive and negative data,
the examples, coverage and fuzzing phases, and the stateful phase that follows the upload link to
embedding by asset id. Positive cases carry real images, so the happy path is exercised, not just refusals.
"""

import atexit
import shutil
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis

from contract_tests.mock_settings import seeded_settings
from memories_contract import schemathesis_hooks  # noqa: F401  (registers image strategies, checks, filters)
from memories_contract.profiles import contract_config
from memories_spec import MULTIPART, SPEC_PATH
from mock_server import DOCUMENTED_TEST_KEY, create_app

# Built at import, not through schemathesis.pytest.from_fixture: its lazy schema reads
# `request.node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_path(SPEC_PATH, config=contract_config(DOCUMENTED_TEST_KEY))
# The app too: each operation the schema collects keeps the app it had then. Its assets live until the process ends.
_ASSETS = Path(tempfile.mkdtemp(prefix="contract-mock-"))
atexit.register(shutil.rmtree, _ASSETS, ignore_errors=True)
schema.app = create_app(seeded_settings(_ASSETS))

# The successes each operation's run must include, as (media type, phase): refusals alone would pass every check.
# Positive fuzzing sends real images; the JSON method succeeds with the assets the spec's examples name.
HAPPY_PATHS = {
    "POST /upload": {(MULTIPART, "fuzzing")},
    "POST /embeddings/image": {(MULTIPART, "fuzzing"), ("application/json", "examples")},
}
# (media type, phase, status) of every case an operation's run sent, by operation.
SENT: defaultdict[str, Counter[tuple[str, str, int]]] = defaultdict(Counter)


def _media_type(case: schemathesis.Case[Any]) -> str:
    return (case.media_type or "-").partition(";")[0]


def reached_the_happy_paths(item: pytest.Item) -> None:
    label = str(getattr(item, "operation_label", ""))
    successes = {(media_type, phase) for media_type, phase, status in SENT[label] if status == 200}
    missing = HAPPY_PATHS[label] - successes
    assert not missing, f"{label} never succeeded by {sorted(missing)}; sent {dict(SENT[label])}"


@pytest.mark.after_run.with_args(reached_the_happy_paths)  # a lone callable would be taken as the decorated
@schema.parametrize()
def test_mock_honours_the_contract(case: schemathesis.Case[Any]) -> None:
    response = case.call()
    phase = case.meta.phase.name.value if case.meta is not None else "-"
    SENT[case.operation.label][(_media_type(case), phase, response.status_code)] += 1
    case.validate_response(response)


def test_stateful_upload_then_embed_by_asset_id() -> None:
    uploaded: set[str] = set()
    embedded: Counter[int] = Counter()  # statuses of JSON embeddings of an id an upload returned

    class UploadThenEmbed(schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: schemathesis.Response, case: schemathesis.Case[Any]) -> None:
            super().after_call(response, case)
            body = case.body if isinstance(case.body, dict) else {}
            if case.operation.label == "POST /upload" and response.status_code == 200:
                uploaded.add(response.json()["data"]["asset_id"])
            elif _media_type(case) == "application/json" and body.get("asset_id") in uploaded:
                embedded[response.status_code] += 1

    # schemathesis.toml's stateful settings and seed, as `st run` would use them.
    settings = schema.config.get_hypothesis_settings(phase="stateful", apply_ci_profile=False)
    hypothesis.seed(schema.config.seed)(UploadThenEmbed).run(settings=settings)
    assert embedded[200] > 0, embedded  # the link took ids from uploads to the JSON method, which embedded them
