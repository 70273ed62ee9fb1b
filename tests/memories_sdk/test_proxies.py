"""Proxies as httpx applies them: from the process environment by httpx's rules, or `proxy=`; a bad one is refused."""

import importlib.util
import socket

import pytest

from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest
from memories_sdk import APIConnectionError, ConfigurationError, RetryPolicy, create_client
from tests.memories_sdk.conftest import Scripted, ScriptedServer

KEY = "sk-mavi-proxy_tests_key"
# Reached only through a proxy: .invalid never resolves (RFC 6761).
BASE_URL = "http://api.invalid/serve/api/v2"
BODY = ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip")
VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy")


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The process environment without any proxy variable (restored after the test)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def dead_proxy() -> str:
    """The URL of a proxy that refuses every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe closes
    return f"http://127.0.0.1:{port}"


def proxied(scripted: ScriptedServer, proxy: str | None = None) -> bool:
    """Whether a call to BASE_URL went through the scripted server, acting as the proxy; False if it failed."""
    scripted.script = [Scripted(200, b'{"code": 200, "msg": "ok", "data": {"embedding": [1]}}')]
    with create_client(KEY, base_url=BASE_URL, retry=RetryPolicy(max_retries=0), proxy=proxy) as client:
        try:
            embed_image.sync(client=client, body=BODY)
        except APIConnectionError:
            return False
    return len(scripted.bodies) == 1


# Variables, and whether they send a request for http://api.invalid through the proxy ("<proxy>"; "<dead>" refuses).
PROXY_VARIABLES = [
    ({"HTTP_PROXY": "<proxy>"}, True),
    ({"http_proxy": "<proxy>"}, True),
    ({"ALL_PROXY": "<proxy>"}, True),
    ({"HTTP_PROXY": "<host:port>"}, True),  # no scheme: httpx reads http:// (the SDK's urllib copy raised ValueError)
    ({"HTTP_PROXY": "<dead>", "http_proxy": "<proxy>"}, True),  # lower case wins
    ({"HTTP_PROXY": "<proxy>", "http_proxy": ""}, False),  # an empty lower-case variable unsets it
    ({}, False),
    ({"HTTPS_PROXY": "<proxy>"}, False),  # for https:// URLs only
    ({"HTTP_PROXY": "<proxy>", "NO_PROXY": "api.invalid"}, False),
    ({"HTTP_PROXY": "<proxy>", "NO_PROXY": "invalid"}, False),  # curl's rule: a domain and its subdomains
    ({"HTTP_PROXY": "<proxy>", "NO_PROXY": "http://api.invalid"}, False),  # httpx's URL form, unknown to urllib
    ({"HTTP_PROXY": "<proxy>", "NO_PROXY": "*"}, False),
    ({"HTTP_PROXY": "<proxy>", "NO_PROXY": "other.invalid, pi.invalid"}, True),
]


@pytest.mark.parametrize(("variables", "through_proxy"), PROXY_VARIABLES)
def test_the_environment_proxy_is_chosen_by_httpxs_rules(
    clean_environment: pytest.MonkeyPatch,
    scripted: ScriptedServer,
    dead_proxy: str,
    variables: dict[str, str],
    through_proxy: bool,
) -> None:
    proxy = scripted.base_url.removesuffix("/serve/api/v2")
    values = {"<proxy>": proxy, "<dead>": dead_proxy, "<host:port>": proxy.removeprefix("http://")}
    for name, value in variables.items():
        clean_environment.setenv(name, values.get(value, value))
    assert proxied(scripted) is through_proxy


def test_an_explicit_proxy_wins_over_the_environment(
    clean_environment: pytest.MonkeyPatch, scripted: ScriptedServer, dead_proxy: str
) -> None:
    clean_environment.setenv("HTTP_PROXY", dead_proxy)
    assert proxied(scripted, proxy=scripted.base_url.removesuffix("/serve/api/v2"))


def test_proxy_variables_in_the_environ_mapping_are_not_read(
    clean_environment: pytest.MonkeyPatch, scripted: ScriptedServer
) -> None:
    # `environ` holds the SDK's own settings; proxies are the process's, read by httpx, as for any httpx client.
    environ = {"MEMORIES_API_KEY": KEY, "HTTP_PROXY": scripted.base_url.removesuffix("/serve/api/v2")}
    scripted.script = [Scripted(200, b'{"code": 200, "msg": "ok", "data": {"embedding": [1]}}')]
    client = create_client(base_url=BASE_URL, environ=environ, retry=RetryPolicy(max_retries=0))
    with client, pytest.raises(APIConnectionError):
        embed_image.sync(client=client, body=BODY)
    assert scripted.bodies == []


SECRET = "s3cret-proxy-password"


@pytest.mark.parametrize(
    "proxy",
    [f"ftp://user:{SECRET}@proxy.corp:21", f"user:{SECRET}@proxy.corp:3128", f"http://user:{SECRET}@proxy.corp:31a8"],
    ids=["unknown-scheme", "no-scheme", "not-a-url"],
)
def test_a_malformed_proxy_argument_is_refused_without_its_credentials(proxy: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^proxy= must be an http://") as raised:
        create_client(KEY, proxy=proxy)
    assert_hidden(raised.value)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "all_proxy"])
def test_a_malformed_environment_proxy_is_refused_without_its_credentials(
    clean_environment: pytest.MonkeyPatch, variable: str
) -> None:
    clean_environment.setenv(variable, f"ftp://user:{SECRET}@proxy.corp:21")
    with pytest.raises(ConfigurationError, match=rf"^{variable.upper()} in the environment must be") as raised:
        create_client(KEY, base_url=BASE_URL)
    assert_hidden(raised.value)


def assert_hidden(error: BaseException) -> None:
    """Neither the error, nor any error chained to it, shows the secret."""
    assert error.__suppress_context__
    assert error.__cause__ is None
    assert SECRET not in str(error)
    assert SECRET not in repr(error.args)


def test_a_socks_proxy_without_socksio_is_a_configuration_error() -> None:
    assert importlib.util.find_spec("socksio") is None  # httpx's socks extra is no dependency of memories-sdk
    with pytest.raises(ConfigurationError, match="socksio"):
        create_client(KEY, proxy="socks5://127.0.0.1:1080")
