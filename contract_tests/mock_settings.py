"""The mock the suite tests: two keys, to test that an asset belongs to the key that uploaded it."""

from dataclasses import replace
from pathlib import Path

from memories_contract.images import encode, scene
from memories_spec import load_spec
from mock_server import DOCUMENTED_TEST_KEY, Settings
from mock_server.assets import AssetStore
from mock_server.images import content_digest

SECOND_KEY = "sk-mavi-contract_suite_second_key"
CONTRACT_SETTINGS = Settings(api_keys=frozenset({DOCUMENTED_TEST_KEY, SECOND_KEY}), access_log=False)


def example_asset_ids() -> set[str]:
    """The asset ids the spec's examples of embedImage's JSON body name."""
    content = load_spec()["paths"]["/embeddings/image"]["post"]["requestBody"]["content"]["application/json"]
    return {str(example["value"]["asset_id"]) for example in content["examples"].values()}


def seeded_settings(data_dir: Path) -> Settings:
    """CONTRACT_SETTINGS, keeping assets in `data_dir`, where the documented key has already uploaded a picture
    under each asset id of the spec's examples: so the examples' JSON requests can succeed, not just be refused."""
    picture = encode(scene(0))
    store = AssetStore(data_dir)
    for asset_id in sorted(example_asset_ids()):
        store.add(DOCUMENTED_TEST_KEY, picture, content_digest(picture), "image/png", "example.png", asset_id=asset_id)
    return replace(CONTRACT_SETTINGS, data_dir=data_dir)
