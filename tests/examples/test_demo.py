"""`make demo` embeds every sample by both methods and shows that near-duplicates agree."""

import re

import pytest

from examples import demo


def test_demo_embeds_every_sample_by_both_methods(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main() == 0
    output = capsys.readouterr().out
    rows = re.findall(r"^(\S+\.\w+)\s+(re_\d+)\s+(\d+)\s+(\d+)\s+(True|False)$", output, flags=re.MULTILINE)
    samples = {path.name for path in demo.SAMPLES.iterdir() if path.suffix != ".py"}
    assert {row[0] for row in rows} == samples
    assert all(row[2:] == ("1408", "512", "True") for row in rows)
    similarity = re.search(r"^sunset-small\.jpg((?:\s+-?\d\.\d{3})+)$", output, flags=re.MULTILINE)
    assert similarity is not None
    assert float(similarity.group(1).split()[-1]) >= 0.9  # against sunset.png, the last column
