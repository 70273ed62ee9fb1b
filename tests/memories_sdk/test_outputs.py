"""The output files of `memories embed` on their own: what a write that does not fit leaves behind."""

import json
import subprocess
import sys
from pathlib import Path

# Writes lines of 512 numbers (about 5 KB each) to a JSONL output that may grow to 14000 bytes, as on a full disk:
# two lines fit, each later one fails after writing part of itself.
FILLING = """
import resource, sys
from pathlib import Path
from memories_client.models import ImageEmbeddingResponse
from memories_sdk.outputs import JsonlOutput, OutputError

resource.setrlimit(resource.RLIMIT_FSIZE, (14000, 14000))
output = JsonlOutput(Path(sys.argv[1]), "mobileclip")
for index in range(5):
    embedding = [index + 0.123456789] * 512
    result = ImageEmbeddingResponse.from_dict({"code": 200, "msg": "success", "data": {"embedding": embedding}})
    try:
        output.add(f"{index}.png", "mobileclip", result)
    except OutputError as error:
        print(error)
output.close()
"""


def test_lines_that_do_not_fit_are_cut_off_each_time(tmp_path: Path) -> None:
    output = tmp_path / "vectors.jsonl"
    filled = subprocess.run([sys.executable, "-c", FILLING, output], capture_output=True, text=True, check=True)
    assert filled.stdout.splitlines() == [f"cannot write {output}: File too large"] * 3
    content = output.read_bytes()
    assert content.endswith(b"\n")  # a second failure once cut the file at the offset the first one left
    assert [json.loads(line)["path"] for line in content.splitlines()] == ["0.png", "1.png"]
