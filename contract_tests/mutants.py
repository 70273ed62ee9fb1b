"""`make mutants`: the contract suite against deliberately broken mocks and clients, and `memories-conformance`
against deliberately broken deployments (`deployment_mutants`). Each must be caught.

A mutant is a patch that one run of the suite applies in its own process (this module is loaded as a pytest
plugin, `-p contract_tests.mutants`, and CONTRACT_MUTANT names the patch). The mutant is caught when that
run fails. A run with no mutant comes first: it must pass, or no verdict means anything.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import memories_sdk.transport
from contract_tests import deployment_mutants
from memories_client import AuthenticatedClient
from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest, ImageEmbeddingFileRequest
from mock_server import Settings, api, embeddings, envelope, images
from mock_server.assets import AssetStore
from mock_server.envelope import ApiError
from mock_server.images import FEATURE_LENGTH, DecodedImage, NotAnImage, content_digest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The suite's behavioural parts, fastest first. Left out: the spec, regeneration, packaging and README checks,
# which no runtime patch touches, and conformance, whose mock runs in a process of its own.
SUITE = [
    "contract_tests/test_client_requests.py",
    "contract_tests/test_end_to_end.py",
    "contract_tests/test_schemathesis.py",
    "contract_tests/test_client_contract.py",
]
ENVIRONMENT_VARIABLE = "CONTRACT_MUTANT"


@dataclass(frozen=True)
class Mutant:
    """A deliberate break, and how to make it."""

    name: str
    breaks: str
    apply: Callable[[pytest.MonkeyPatch], None]


def _accept_a_missing_key(patch: pytest.MonkeyPatch) -> None:
    original = api.MockApi.__init__

    def init(self: api.MockApi, settings: Settings) -> None:
        original(self, settings)
        # Settings refuse an empty key (a missing header reads as ""), so the mutant slips one past their check.
        accepting = copy.copy(settings)
        object.__setattr__(accepting, "api_keys", settings.api_keys | {""})
        self.settings = accepting

    patch.setattr(api.MockApi, "__init__", init)


def _accept_an_unknown_model(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(api, "_model", lambda name: name if name in embeddings.MODEL_DIMENSIONS else "mobileclip")


def _float_code(patch: pytest.MonkeyPatch) -> None:
    def success_body(data_json: bytes) -> bytes:
        return b'{"code":200.0,"msg":"success","data":' + data_json + b',"success":true,"failed":false}'

    for module in (envelope, api, embeddings):
        patch.setattr(module, "success_body", success_body)


def _error_body(transform: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[pytest.MonkeyPatch], None]:
    def apply(patch: pytest.MonkeyPatch) -> None:
        def error_body(status: int, msg: str) -> bytes:
            body = {"code": status, "msg": msg, "data": None, "success": False, "failed": True}
            return json.dumps(transform(body)).encode()

        patch.setattr(envelope, "error_body", error_body)

    return apply


def _without_msg(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "msg"}


def _always_400(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "code": 400}


def _wrapped_decode(patch: pytest.MonkeyPatch, on_refusal: Callable[[ApiError, bytes], DecodedImage]) -> None:
    def decode(data: bytes, max_pixels: int, digest: str | None = None) -> DecodedImage:
        try:
            return images.decode(data, max_pixels, digest)
        except ApiError as refusal:
            return on_refusal(refusal, data)

    patch.setattr("mock_server.api.decode", decode)


def _crash_on_a_truncated_image(patch: pytest.MonkeyPatch) -> None:
    def crash(refusal: ApiError, data: bytes) -> DecodedImage:
        if "truncated" in refusal.msg:
            raise RuntimeError("the decoder fell over")
        raise refusal

    _wrapped_decode(patch, crash)


def _embed_anything(patch: pytest.MonkeyPatch) -> None:
    def accept(refusal: ApiError, data: bytes) -> DecodedImage:
        if not isinstance(refusal, NotAnImage):
            raise refusal
        return DecodedImage(content_digest(data), "PNG", (1, 1), np.ones(FEATURE_LENGTH, dtype=np.float32))

    _wrapped_decode(patch, accept)


def _short_vectors(patch: pytest.MonkeyPatch) -> None:
    original = embeddings.embed
    patch.setattr(embeddings, "embed", lambda image, model: original(image, model)[:1024])


def _share_assets(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(AssetStore, "get", lambda self, api_key, asset_id: self._assets.get(asset_id))


def _odd_asset_ids(patch: pytest.MonkeyPatch) -> None:
    original = AssetStore._fresh_id
    patch.setattr(AssetStore, "_fresh_id", lambda self: original(self).replace("re_", "asset-"))


def _one_asset_id(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(AssetStore, "_fresh_id", lambda self: "re_1")


def _one_vector(patch: pytest.MonkeyPatch) -> None:
    def embed(image: DecodedImage, model: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        vector = np.ones(embeddings.MODEL_DIMENSIONS[model])
        return vector / np.linalg.norm(vector)

    patch.setattr(embeddings, "embed", embed)


def _successful_errors(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "success": True, "failed": False}


def _bearer(patch: pytest.MonkeyPatch) -> None:
    original = AuthenticatedClient.__init__

    def init(self: AuthenticatedClient, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.prefix = "Bearer"

    patch.setattr(AuthenticatedClient, "__init__", init)


def _drop_the_model(patch: pytest.MonkeyPatch) -> None:
    to_multipart = ImageEmbeddingFileRequest.to_multipart
    to_dict = ImageEmbeddingAssetRequest.to_dict
    patch.setattr(
        ImageEmbeddingFileRequest,
        "to_multipart",
        lambda self: [(name, value) for name, value in to_multipart(self) if name != "model"],
    )
    patch.setattr(
        ImageEmbeddingAssetRequest,
        "to_dict",
        lambda self: {name: value for name, value in to_dict(self).items() if name != "model"},
    )


def _json_as_form(patch: pytest.MonkeyPatch) -> None:
    original = embed_image._get_kwargs

    def get_kwargs(*, body: ImageEmbeddingFileRequest | ImageEmbeddingAssetRequest) -> dict[str, Any]:
        kwargs = original(body=body)
        if "json" in kwargs:
            kwargs["data"] = kwargs.pop("json")
            kwargs["headers"] = {**kwargs["headers"], "Content-Type": "application/x-www-form-urlencoded"}
        return kwargs

    patch.setattr(embed_image, "_get_kwargs", get_kwargs)


def _trust_every_answer(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(memories_sdk.transport, "response_problem", lambda response, raise_status_errors: None)


MUTANTS = [
    Mutant("missing-key-accepted", "the mock serves requests without an API key", _accept_a_missing_key),
    Mutant("unknown-model-accepted", "the mock embeds with a model it does not have", _accept_an_unknown_model),
    Mutant("float-code", "the mock answers `code` as the float 200.0", _float_code),
    Mutant("no-msg", "the mock's errors lack `msg`", _error_body(_without_msg)),
    Mutant("code-not-status", "the mock's errors say `code` 400 whatever the status", _error_body(_always_400)),
    Mutant("truncated-png-500", "the mock answers 500 to a truncated image", _crash_on_a_truncated_image),
    Mutant("non-image-accepted", "the mock embeds files that are no image", _embed_anything),
    Mutant("wrong-length", "the mock's 1408-number vectors have 1024", _short_vectors),
    Mutant("foreign-asset-served", "the mock serves one key's asset to another", _share_assets),
    Mutant("odd-asset-ids", "the mock's asset ids are not re_<digits>", _odd_asset_ids),
    Mutant("one-asset-id", "every upload gets the same id, replacing the one before", _one_asset_id),
    Mutant("one-vector", "the mock gives every image the same vector", _one_vector),
    Mutant("errors-say-success", "the mock's errors say success: true, failed: false", _error_body(_successful_errors)),
    Mutant("bearer", "the client sends `Bearer <key>`", _bearer),
    Mutant("model-dropped", "the client leaves out `model`", _drop_the_model),
    Mutant("json-as-form", "the client sends the asset-id body as a form", _json_as_form),
    Mutant("sdk-trusts-anything", "the production client passes malformed answers on", _trust_every_answer),
]
MUTANTS_BY_NAME = {mutant.name: mutant for mutant in MUTANTS}


def pytest_configure(config: pytest.Config) -> None:
    """Apply the mutant CONTRACT_MUTANT names, for the whole run (the process ends with it)."""
    name = os.environ.get(ENVIRONMENT_VARIABLE)
    if name:
        MUTANTS_BY_NAME[name].apply(pytest.MonkeyPatch())


@dataclass(frozen=True)
class Verdict:
    """The outcome of one run of the suite."""

    mutant: str | None
    failed: bool
    first_failure: str
    seconds: float


def run_suite(mutant: str | None, paths: list[str] = SUITE) -> Verdict:
    """Run the suite (or `paths` of it) once, with `mutant` applied (None: as written)."""
    environment = {**os.environ, ENVIRONMENT_VARIABLE: mutant or ""}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "contract_tests.mutants"]
    started = time.monotonic()
    result = subprocess.run(
        [*command, *paths], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        # Not a verdict: the run itself broke (a patch that does not apply, a usage error).
        raise RuntimeError(f"pytest exited with {result.returncode} for {mutant}:\n{result.stdout[-2000:]}")
    failed = result.returncode == pytest.ExitCode.TESTS_FAILED
    failure = re.search(r"^FAILED (\S+)", result.stdout, flags=re.MULTILINE)
    if failed and failure is None:
        # Only errors (a fixture or setup that broke), no test that failed on what it checks: no verdict.
        raise RuntimeError(f"the run with {mutant} broke before any test could judge it:\n{result.stdout[-2000:]}")
    return Verdict(mutant, failed, failure.group(1) if failure else "", time.monotonic() - started)


@dataclass(frozen=True)
class Catch:
    """A mutant's verdict, confirmed: the catching test fails again with the mutant and passes without it."""

    mutant: Mutant
    verdict: Verdict
    confirmed: bool

    @property
    def caught(self) -> bool:
        return self.verdict.failed and self.confirmed


def judge(mutant: Mutant) -> Catch:
    """Run the suite with `mutant`, and rule out chance: noise fails a test once, not on demand."""
    verdict = run_suite(mutant.name)
    if not verdict.failed:
        return Catch(mutant, verdict, confirmed=False)
    catching_test = [verdict.first_failure]
    again = run_suite(mutant.name, catching_test).failed
    without = run_suite(None, catching_test).failed
    return Catch(mutant, verdict, confirmed=again and not without)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.mutants", description=__doc__)
    parser.add_argument("names", nargs="*", help="mutants to run, of the suite or of the deployment (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants judged at once")
    args = parser.parse_args(argv)
    known = {**MUTANTS_BY_NAME, **deployment_mutants.MUTANTS_BY_NAME}
    unknown = set(args.names) - set(known)
    if unknown:
        parser.error(f"unknown mutants: {', '.join(sorted(unknown))}; known: {', '.join(known)}")
    suite = [MUTANTS_BY_NAME[name] for name in args.names if name in MUTANTS_BY_NAME] or ([] if args.names else MUTANTS)
    deployments = [
        deployment_mutants.MUTANTS_BY_NAME[name] for name in args.names if name in deployment_mutants.MUTANTS_BY_NAME
    ] or ([] if args.names else deployment_mutants.MUTANTS)
    passed = True
    if suite:
        status = _check_suite(suite, args.jobs)
        if status == 2:
            return 2
        passed = status == 0
    if deployments:
        print("\nDeployment mutants, judged by memories-conformance:\n")
        passed = deployment_mutants.check_all(deployments, args.jobs) and passed
    return 0 if passed else 1


def _check_suite(selected: list[Mutant], jobs: int) -> int:
    baseline = run_suite(None)
    if baseline.failed:
        print(f"The suite fails without any mutant ({baseline.first_failure}): fix that first.")
        return 2
    print(f"Without a mutant the suite passes ({baseline.seconds:.0f} s).\n")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        catches = list(pool.map(judge, selected))
    for catch in catches:
        if catch.caught:
            outcome, detail = "caught", f"by {catch.verdict.first_failure}"
        elif catch.verdict.failed:
            outcome, detail = "MISSED", f"{catch.verdict.first_failure} failed once, but not on demand: chance"
        else:
            outcome, detail = "MISSED", "the suite passed"
        print(f"{outcome:>7}  {catch.mutant.name:<24} {catch.mutant.breaks}\n{'':9}{detail}")
    missed = [catch for catch in catches if not catch.caught]
    print(f"\n{len(catches) - len(missed)} of {len(catches)} mutants caught.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
