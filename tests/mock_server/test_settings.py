"""Settings: documented defaults, the environment, and refusals of nonsense values."""

from pathlib import Path

import pytest

from mock_server.faults import Fault
from mock_server.latency import Latency
from mock_server.settings import DOCUMENTED_TEST_KEY, Settings


def test_defaults_accept_the_documented_test_key_and_change_no_answer() -> None:
    settings = Settings()
    assert settings.api_keys == {DOCUMENTED_TEST_KEY}
    assert settings.fault_rate == 0.0
    assert set(settings.network_fault_rates.values()) == {0.0}
    assert set(settings.network_fault_rates) == set(Fault)
    assert not settings.latency.enabled
    assert settings.rate_limit is None
    assert settings.data_dir is None
    assert settings.spec_path.read_bytes() == (Path(__file__).resolve().parents[2] / "openapi.yaml").read_bytes()


def test_environment_overrides_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "MEMORIES_MOCK_API_KEYS": "sk-mai-one, sk-mavi-two,",
            "MEMORIES_MOCK_DATA_DIR": str(tmp_path),
            "MEMORIES_MOCK_FAULT_RATE": "0.25",
            "MEMORIES_MOCK_FAULT_SEED": "9",
            "MEMORIES_MOCK_RATE_LIMIT": "5",
            "MEMORIES_MOCK_RATE_WINDOW": "2.5",
            "MEMORIES_MOCK_MAX_UPLOAD_BYTES": "1000",
            "MEMORIES_MOCK_ACCESS_LOG": "off",
            "MEMORIES_MOCK_RESET_RATE": "0.01",
            "MEMORIES_MOCK_EMPTY_RATE": "0.02",
            "MEMORIES_MOCK_CUT_OFF_RATE": "0.03",
            "MEMORIES_MOCK_DRIP_RATE": "0.04",
            "MEMORIES_MOCK_DRIP_SECONDS": "2.5",
            "MEMORIES_MOCK_LATENCY": "200ms, embedImage=lognormal:200ms:1.5s uploadAsset=50ms",
            "MEMORIES_MOCK_LATENCY_SEED": "4",
        }
    )
    assert settings.api_keys == {"sk-mai-one", "sk-mavi-two"}
    assert settings.data_dir == tmp_path
    assert (settings.fault_rate, settings.fault_seed) == (0.25, 9)
    assert (settings.rate_limit, settings.rate_window) == (5, 2.5)
    assert settings.max_upload_bytes == 1000
    assert settings.access_log is False
    assert settings.network_fault_rates == {Fault.RESET: 0.01, Fault.EMPTY: 0.02, Fault.CUT_OFF: 0.03, Fault.DRIP: 0.04}
    assert settings.drip_seconds == 2.5
    assert settings.latency == Latency.parse(["200ms", "embedImage=lognormal:200ms:1.5s", "uploadAsset=50ms"])
    assert settings.latency_seed == 4


def test_empty_environment_gives_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEMORIES_MOCK_FAULT_RATE": "lots"}, "MEMORIES_MOCK_FAULT_RATE must be a number"),
        ({"MEMORIES_MOCK_FAULT_RATE": "1.5"}, "fault_rate must be between 0 and 1"),
        ({"MEMORIES_MOCK_RATE_WINDOW": "0"}, "rate_window must be positive"),
        ({"MEMORIES_MOCK_MAX_UPLOAD_BYTES": "-1"}, "size limits must be positive"),
        ({"MEMORIES_MOCK_RATE_WINDOW": "inf"}, "must be finite"),
        ({"MEMORIES_MOCK_FAULT_RATE": "nan"}, "must be finite"),
        ({"MEMORIES_MOCK_RESET_RATE": "-0.1"}, "reset_rate must be between 0 and 1"),
        ({"MEMORIES_MOCK_CUT_OFF_RATE": "1.5"}, "cut_off_rate must be between 0 and 1"),
        (
            {"MEMORIES_MOCK_FAULT_RATE": "0.6", "MEMORIES_MOCK_DRIP_RATE": "0.5"},
            "the fault rates add up to more than 1: fault_rate=0.6, drip_rate=0.5",
        ),
        ({"MEMORIES_MOCK_DRIP_SECONDS": "-1"}, "drip_seconds must not be negative"),
        ({"MEMORIES_MOCK_LATENCY": "soon"}, "MEMORIES_MOCK_LATENCY: 'soon' is no duration"),
        (
            {"MEMORIES_MOCK_LATENCY": "embedVideo=1s"},
            r"latency names no operation of the spec: embedVideo \(operations",
        ),
    ],
)
def test_nonsense_is_refused_with_its_name(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)


def test_keys_never_show_in_the_repr() -> None:
    assert "sk-mai-secret" not in repr(Settings(api_keys=frozenset({"sk-mai-secret"})))


@pytest.mark.parametrize("keys", [{""}, {"  "}, {"sk-mai-good", "\t"}], ids=["empty", "blank", "one-blank"])
def test_a_blank_key_is_refused_since_a_missing_header_would_match_it(keys: set[str]) -> None:
    with pytest.raises(ValueError, match="API keys must not be empty or blank"):
        Settings(api_keys=frozenset(keys))
