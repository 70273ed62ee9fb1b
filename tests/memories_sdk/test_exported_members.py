"""The public surface is exactly `__all__`, sorted, and each name in it is importable."""

import memories_sdk


def test_all_is_sorted_and_complete() -> None:
    exported = memories_sdk.__all__
    assert exported == sorted(exported, key=lambda name: (not name.isupper(), name))
    public = {name for name in vars(memories_sdk) if not name.startswith("_")}
    modules = {
        "aiohttp_transport",
        "assets",
        "bulk",
        "cli",
        "client",
        "contract",
        "embeddings",
        "errors",
        "files",
        "memories",
        "npy",
    }
    modules |= {"outputs", "raw", "retries", "transport"}
    assert public - modules == set(exported)
