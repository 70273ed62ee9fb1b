"""Deployment mutants: the independent deployment (`contract_tests/deployment.py`) with one documented fact broken,
each served by a process of its own on loopback and judged by `memories-conformance`, run as its users run it.

A mutant is caught when the run exits 1 and the probe of the fact it breaks is among the failures of its JUnit
report, so that each probe is shown to have teeth. The unbroken deployment must pass the whole run (schemathesis too)
first, or no verdict means anything. The mutants' runs stop after the probes (`--max-requests`): the facts they
break are the probes', and schemathesis would add ten seconds to each run and nothing to its verdict.

`python -m contract_tests.deployment_mutants NAME --port 0 --api-key KEY ...` serves one (`none`: unbroken).
"""

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from contract_tests import deployment
from memories_contract.exchanges import Credential
from memories_contract.plan import make_plan
from memories_contract.probes import Pictures, preflight_calls, probes

REPO_ROOT = Path(__file__).resolve().parent.parent
KEYS = ("sk-mai-deployment-first-key", "sk-mai-deployment-second-key")
CONFORMANCE = Path(sys.executable).parent / "memories-conformance"

Vector = list[float]


@dataclass(frozen=True)
class DeploymentMutant:
    """A deliberate break of the deployment, the probe that must catch it, and how to make it."""

    name: str
    breaks: str
    caught_by: str
    apply: Callable[[], None]


def _replace(name: str, make: Callable[[Any], Any]) -> Callable[[], None]:
    """A mutant that replaces `deployment.<name>` by `make(original)`."""

    def apply() -> None:
        owner, _, attribute = name.rpartition(".")
        target: Any = getattr(deployment, owner) if owner else deployment
        setattr(target, attribute, make(getattr(target, attribute)))

    return apply


def _wrong_length(embed: Callable[[Any, str], Vector]) -> Callable[[Any, str], Vector]:
    return lambda picture, model: (embed(picture, model) * 2)[:1024]


def _not_finite(embed: Callable[[Any, str], Vector]) -> Callable[[Any, str], Vector]:
    return lambda picture, model: [float("nan"), *embed(picture, model)[1:]]


def _noisy(embed: Callable[[Any, str], Vector]) -> Callable[[Any, str], Vector]:
    def noisy(picture: Any, model: str) -> Vector:
        vector = np.asarray(embed(picture, model))
        # Noise a tenth of the vector's length: cosine about 0.995, each request differently.
        noise = np.random.default_rng().standard_normal(len(vector)) * 0.1 / np.sqrt(len(vector))
        moved = vector + noise
        return [float(value) for value in moved / np.linalg.norm(moved)]

    return noisy


def _flipped_assets(asset: Callable[..., bytes]) -> Callable[..., bytes]:
    def flipped(self: Any, key: str, asset_id: object) -> bytes:
        with Image.open(io.BytesIO(asset(self, key, asset_id))) as image:
            buffer = io.BytesIO()
            image.transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(buffer, "PNG")
        return buffer.getvalue()

    return flipped


def _random_features(features: Callable[[Image.Image], Any]) -> Callable[[Image.Image], Any]:
    def hashed(image: Image.Image) -> Any:
        seed = int.from_bytes(hashlib.sha256(image.tobytes()).digest()[:8], "big")
        return np.random.default_rng(seed).standard_normal(len(features(image)))

    return hashed


def _decode_with(on_refusal: Callable[[deployment.Refusal], Image.Image]) -> Callable[[Any], Any]:
    def make(decode: Callable[[bytes], Image.Image]) -> Callable[[bytes], Image.Image]:
        def wrapped(data: bytes) -> Image.Image:
            try:
                return decode(data)
            except deployment.Refusal as refusal:
                return on_refusal(refusal)

        return wrapped

    return make


def _crash_on_truncated(refusal: deployment.Refusal) -> Image.Image:
    if "truncated" in refusal.msg:
        raise RuntimeError("the decoder fell over")
    raise refusal


def _accept_non_images(refusal: deployment.Refusal) -> Image.Image:
    if refusal.status != 415:
        raise refusal
    return Image.new("RGB", (8, 8))


def _any_model(known_model: Callable[[object], str]) -> Callable[[object], str]:
    return lambda model: model if model in deployment.MODELS else "mobileclip"


def _lenient_auth(accept: Callable[[str], bool]) -> Callable[[Any], Any]:
    def make(authenticate: Callable[..., str]) -> Callable[..., str]:
        def lenient(request: Any, keys: frozenset[str]) -> str:
            key = request.headers.get("Authorization", "")
            return key if accept(key) else authenticate(request, keys)

        return lenient

    return make


def _error_envelope(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    def make(envelope: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def changed(status: int, msg: str, data: Any = None) -> dict[str, Any]:
            body = envelope(status, msg, data)
            return body if status == 200 else change(body)

        return changed

    return make


def _shared_assets(get: Callable[..., bytes | None]) -> Callable[..., bytes | None]:
    def shared(self: Any, key: str, asset_id: str) -> bytes | None:
        owner, _ = self._files.get(asset_id, ("", b""))
        return get(self, owner, asset_id)

    return shared


def _odd_ids(add: Callable[..., str]) -> Callable[..., str]:
    def odd(self: Any, key: str, content: bytes) -> str:
        asset_id = add(self, key, content)
        self._files[asset_id.replace("re_", "asset-")] = self._files[asset_id]
        return asset_id.replace("re_", "asset-")

    return odd


MUTANTS = [
    DeploymentMutant(
        "1024-for-every-model",
        "1024 numbers for every model",
        "dimensions[multimodalembedding@001]",
        _replace("embed", _wrong_length),
    ),
    DeploymentMutant(
        "nan-in-vectors", "a NaN in every vector", "dimensions[mobileclip]", _replace("embed", _not_finite)
    ),
    DeploymentMutant(
        "assets-upside-down",
        "the asset-id method embeds the picture upside down",
        "methods-agree[multimodalembedding@001]",
        _replace("Api.asset", _flipped_assets),
    ),
    DeploymentMutant(
        "noisy-vectors", "noise in every vector, new each request", "repeatable", _replace("embed", _noisy)
    ),
    DeploymentMutant(
        "tiff-refused",
        "TIFF refused as unsupported",
        "format[image/tiff]",
        _replace("FORMATS", lambda formats: formats - {"TIFF"}),
    ),
    DeploymentMutant(
        "hashed-vectors",
        "vectors drawn from a hash of the pixels",
        "similarity",
        _replace("features", _random_features),
    ),
    DeploymentMutant(
        "text-embedded",
        "a file that is no image embedded as a blank one",
        "refusal[text file]",
        _replace("decode", _decode_with(_accept_non_images)),
    ),
    DeploymentMutant(
        "truncated-image-500",
        "500 to a truncated image",
        "refusal[truncated PNG]",
        _replace("decode", _decode_with(_crash_on_truncated)),
    ),
    DeploymentMutant(
        "any-model-served",
        "an unknown model embedded with mobileclip",
        "refusal[unknown model by file]",
        _replace("known_model", _any_model),
    ),
    DeploymentMutant(
        "no-key-served",
        "requests without a key served",
        "refusal[missing key]",
        _replace("authenticate", _lenient_auth(lambda key: not key)),
    ),
    DeploymentMutant(
        "any-key-served", "any key accepted", "refusal[wrong key]", _replace("authenticate", _lenient_auth(bool))
    ),
    DeploymentMutant(
        "refusals-without-msg",
        "refusals without `msg`",
        "refusal[empty file]",
        _replace("envelope", _error_envelope(lambda body: {k: v for k, v in body.items() if k != "msg"})),
    ),
    DeploymentMutant(
        "refusal-code-400",
        "`code` 400 in every refusal, whatever the status",
        "refusal[wrong key]",
        _replace("envelope", _error_envelope(lambda body: {**body, "code": 400})),
    ),
    DeploymentMutant(
        "assets-shared", "one key's asset served to another", "ownership", _replace("Store.get", _shared_assets)
    ),
    DeploymentMutant("asset-ids-not-re", "asset ids not re_<digits>", "upload", _replace("Store.add", _odd_ids)),
]
MUTANTS_BY_NAME = {mutant.name: mutant for mutant in MUTANTS}


def serve(argv: list[str]) -> int:
    """Serve the deployment with the mutant `argv[0]` names applied (`none`: as written)."""
    name, *options = argv
    if name != "none":
        MUTANTS_BY_NAME[name].apply()
    return deployment.main(options)


@contextmanager
def running(mutant: str | None) -> Iterator[str]:
    """The deployment, broken by `mutant` (None: as written), in a process of its own; yields its base URL."""
    options = [option for key in KEYS for option in ("--api-key", key)]
    process = subprocess.Popen(
        [sys.executable, "-m", "contract_tests.deployment_mutants", mutant or "none", "--port", "0", *options],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(deployment.ANNOUNCEMENT.format(url="")):
            raise RuntimeError(f"the deployment with {mutant} did not start: {line!r}")
        yield line.strip().rpartition(" ")[2]
    finally:
        process.terminate()
        process.wait(20)
        if process.stdout is not None:
            process.stdout.close()


def probe_requests() -> int:
    """How many requests the probes send with both keys: a cap that leaves schemathesis nothing."""
    credentials = set(Credential)
    pictures = Pictures()
    return len(make_plan(preflight_calls(pictures), probes(pictures), 10**6, credentials).calls)


@dataclass(frozen=True)
class Judgement:
    """One `memories-conformance` run against a deployment: its exit status and the probes and checks that failed."""

    exit_status: int
    failed: frozenset[str]
    output: str


def conformance(url: str, max_requests: int | None = None) -> Judgement:
    """`memories-conformance --url URL` with both keys in the environment, as a user runs it."""
    environment = {**os.environ, "API_KEY": KEYS[0], "API_KEY_2": KEYS[1]}
    environment.pop("GITHUB_STEP_SUMMARY", None)
    with tempfile.TemporaryDirectory(prefix="deployment-mutant-") as reports:
        command = [str(CONFORMANCE), "--url", url, "--reports", reports]
        if max_requests is not None:
            command += ["--max-requests", str(max_requests)]
        result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=600)
        junit = Path(reports) / "junit.xml"
        failed: frozenset[str] = frozenset()
        if junit.is_file():
            root = ElementTree.parse(junit).getroot()
            failed = frozenset(
                f"{case.get('classname')}: {case.get('name')}"
                for case in root.iter("testcase")
                if case.find("failure") is not None
            )
    return Judgement(result.returncode, failed, result.stdout + result.stderr)


@dataclass(frozen=True)
class DeploymentCatch:
    """A deployment mutant's judgement."""

    mutant: DeploymentMutant
    judgement: Judgement

    @property
    def caught(self) -> bool:
        return self.judgement.exit_status == 1 and f"probes: {self.mutant.caught_by}" in self.judgement.failed


def judge(mutant: DeploymentMutant, max_requests: int) -> DeploymentCatch:
    """Serve `mutant` and run the probes against it."""
    with running(mutant.name) as url:
        return DeploymentCatch(mutant, conformance(url, max_requests))


def judge_compliant() -> Judgement:
    """The whole run against the unbroken deployment: it must pass."""
    with running(None) as url:
        return conformance(url)


def check_all(mutants: list[DeploymentMutant], jobs: int) -> bool:
    """Judge the unbroken deployment, then `mutants`, printing each verdict; whether every one came out right."""
    compliant = judge_compliant()
    if compliant.exit_status != 0 or compliant.failed:
        print(f"The independent deployment fails memories-conformance (exit {compliant.exit_status}):")
        print(compliant.output[-3000:])
        return False
    print("The independent deployment passes memories-conformance, schemathesis included.\n")
    cap = probe_requests()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        catches = list(pool.map(lambda mutant: judge(mutant, cap), mutants))
    for catch in catches:
        judgement = catch.judgement
        if catch.caught:
            outcome, detail = "caught", f"by probes: {catch.mutant.caught_by}"
        elif judgement.exit_status == 1:
            outcome, detail = (
                "MISSED",
                f"{catch.mutant.caught_by} passed; failed: {', '.join(sorted(judgement.failed))}",
            )
        else:
            outcome, detail = (
                "MISSED",
                f"memories-conformance exited {judgement.exit_status}: {judgement.output[-300:]}",
            )
        others = len(judgement.failed) - catch.caught
        also = f" (and {others} more)" if catch.caught and others else ""
        print(f"{outcome:>7}  {catch.mutant.name:<24} {catch.mutant.breaks}\n{'':9}{detail}{also}")
    missed = [catch for catch in catches if not catch.caught]
    print(f"\n{len(catches) - len(missed)} of {len(catches)} deployment mutants caught.")
    return not missed


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
