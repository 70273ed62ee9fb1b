"""create_client: configuration from arguments or the environment, and the key kept out of sight."""

import logging

import httpx
import pytest

from memories_client.api.embeddings import embed_image
from memories_client.models import ImageEmbeddingAssetRequest
from memories_sdk import DEFAULT_BASE_URL, AuthenticationError, ConfigurationError, RetryPolicy, create_client
from mock_server import RunningMock

SECRET = "sk-mavi-very_secret_key"


def test_key_and_base_url_come_from_the_environment() -> None:
    client = create_client(environ={"MEMORIES_API_KEY": SECRET, "MEMORIES_BASE_URL": "http://127.0.0.1:9/v2"})
    httpx_client = client.get_httpx_client()
    assert httpx_client.headers["Authorization"] == SECRET  # the raw key, no "Bearer"
    assert str(httpx_client.base_url) == "http://127.0.0.1:9/v2/"


def test_arguments_win_over_the_environment_and_production_is_the_default() -> None:
    client = create_client("sk-argument", environ={"MEMORIES_API_KEY": SECRET})
    assert client.get_httpx_client().headers["Authorization"] == "sk-argument"
    assert str(client.get_httpx_client().base_url) == DEFAULT_BASE_URL + "/"


@pytest.mark.parametrize("environ", [{}, {"MEMORIES_API_KEY": "  "}])
def test_no_key_is_a_configuration_error(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="MEMORIES_API_KEY"):
        create_client(environ=environ)


def test_timeouts_default_to_a_minute_and_take_numbers() -> None:
    assert create_client(SECRET).get_httpx_client().timeout == httpx.Timeout(60.0, connect=10.0)
    assert create_client(SECRET, timeout=3).get_httpx_client().timeout == httpx.Timeout(3)


def test_the_key_shows_in_no_repr() -> None:
    client = create_client(SECRET)
    client.get_httpx_client()
    client.get_async_httpx_client()
    assert SECRET not in repr(client)


def test_the_key_shows_in_no_error_message_and_no_log(
    memories_mock: RunningMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    policy = RetryPolicy(sleep=lambda seconds: None)
    with create_client(SECRET, base_url=memories_mock.base_url, retry=policy) as client:
        with pytest.raises(AuthenticationError) as raised:
            embed_image.sync(client=client, body=ImageEmbeddingAssetRequest(asset_id="re_1", model="mobileclip"))
    error = raised.value
    assert SECRET not in str(error)
    assert SECRET not in repr(error)
    assert SECRET not in repr(vars(error))
    assert caplog.records  # httpx and httpcore log at debug level
    assert not [record for record in caplog.records if SECRET in record.getMessage()]
