"""`memories embed` end to end against a mock: lines, exit statuses, resume, .npy, Ctrl-C by a signal, the bar."""

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from memories_contract.images import encode, scene
from memories_sdk.cli import main
from memories_sdk.transport import AsyncBackend
from tests.memories_sdk.conftest import CountingMock, counting_mock

EMBED_PATH = "/serve/api/v2/embeddings/image"


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """A folder: three images in three formats, a copy of one in a subfolder, a text file and a broken PNG."""
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    png = encode(scene(1, (64, 48)))
    (folder / "a.png").write_bytes(png)
    (folder / "b.jpg").write_bytes(encode(scene(2, (64, 48)), "JPEG"))
    (folder / "sub" / "c.webp").write_bytes(encode(scene(3, (64, 48)), "WEBP"))
    (folder / "sub" / "copy-of-a.PNG").write_bytes(png)
    (folder / "notes.txt").write_text("not an image\n")
    (folder / "broken.png").write_bytes(png[:100])
    return folder


@pytest.fixture
def mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingMock]:
    """A counting mock, and the environment that points `memories` at it."""
    with counting_mock() as running:
        monkeypatch.setenv("MEMORIES_API_KEY", running.api_key)
        monkeypatch.setenv("MEMORIES_BASE_URL", running.base_url)
        yield running


def lines(output: Path) -> list[dict[str, Any]]:
    """The JSON lines of `output`: each must be whole and parse."""
    content = output.read_bytes()
    assert content.endswith(b"\n") or not content
    return [json.loads(line) for line in content.splitlines()]


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int | str | None, list[str]]:
    """`memories` in this process: its exit status and its stderr lines."""
    try:
        status: int | str | None = main([str(arg) for arg in args])
    except SystemExit as exit:  # argparse's errors, and --help
        status = exit.code
    return status, capsys.readouterr().err.splitlines()


def test_embed_writes_a_line_per_image_and_exits_1_when_one_failed(
    mock: CountingMock, photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], async_backend: AsyncBackend
) -> None:
    output = tmp_path / "vectors.jsonl"
    options = ("--concurrency", "2", "--async-backend", async_backend)
    status, stderr = run(capsys, "embed", photos, "--model", "mobileclip", "--output", output, *options)
    assert status == 1
    by_path = {line["path"]: line for line in lines(output)}
    names = ["a.png", "b.jpg", "broken.png", "sub/c.webp", "sub/copy-of-a.PNG"]
    assert sorted(by_path) == [str(photos / name) for name in names]  # no notes.txt
    broken = by_path.pop(str(photos / "broken.png"))
    assert broken["model"] == "mobileclip"
    assert broken["error"]["status"] == broken["error"]["code"] == 400
    assert broken["error"]["msg"]
    assert all(len(line["embedding"]) == 512 and line["model"] == "mobileclip" for line in by_path.values())
    assert by_path[str(photos / "a.png")]["embedding"] == by_path[str(photos / "sub/copy-of-a.PNG")]["embedding"]
    assert mock.paths.count(EMBED_PATH) == 4  # the copy was not sent
    assert stderr[0].startswith(f"memories: {photos / 'broken.png'}: HTTP 400: ")
    assert stderr[-1] == "memories: 4 embedded, 1 failed"
    assert not [line for line in stderr if "%|" in line or "\r" in line]  # no bar: stderr is no terminal


def test_the_async_backend_chosen_is_the_one_used(
    mock: CountingMock,
    photos: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")  # which each backend refuses in its own words
    output = tmp_path / "vectors.jsonl"
    command = ("embed", photos, "--model", "mobileclip", "--output", output, "--async-backend")
    assert run(capsys, *command, "aiohttp") == (
        2,
        ["memories embed: error: the aiohttp backend takes http:// and https:// proxies, not socks5"],
    )
    status, stderr = run(capsys, *command, "httpx")
    assert status == 2
    assert "socksio" in stderr[0]
    assert mock.paths == []


def test_a_second_run_skips_what_is_embedded_and_tries_failures_again(
    mock: CountingMock, photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "vectors.jsonl"
    command = ("embed", photos, "--model", "mobileclip", "--output", output)
    assert run(capsys, *command)[0] == 1
    first = output.read_bytes()
    sent = mock.paths.count(EMBED_PATH)
    status, stderr = run(capsys, *command)
    assert (status, stderr[-1]) == (1, f"memories: 0 embedded, 1 failed, 4 already in {output}")
    assert mock.paths.count(EMBED_PATH) == sent + 1  # only the broken image again
    assert sorted(output.read_bytes().splitlines()) == sorted(first.splitlines())  # its error line, anew at the end
    (photos / "broken.png").write_bytes(encode(scene(4, (64, 48))))  # repaired
    assert run(capsys, *command)[0] == 0
    final = lines(output)
    assert len(final) == len({line["path"] for line in final}) == 5  # one line per path
    assert all("embedding" in line for line in final)


def test_npy_writes_a_float32_array_and_its_paths_and_resumes(
    mock: CountingMock, photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "vectors.npy"
    assert run(capsys, "embed", photos, "--model", "mobileclip", "--output", tmp_path / "vectors.jsonl")[0] == 1
    expected = {line["path"]: line["embedding"] for line in lines(tmp_path / "vectors.jsonl") if "embedding" in line}
    status, stderr = run(capsys, "embed", photos, "--model", "mobileclip", "--output", output)
    assert (status, stderr[-1]) == (1, "memories: 4 embedded, 1 failed")
    vectors = np.load(output)
    listing = json.loads((tmp_path / "vectors.paths.json").read_text())
    assert (vectors.dtype, vectors.shape) == (np.dtype("float32"), (4, 512))
    assert listing["model"] == "mobileclip"
    assert sorted(listing["paths"]) == sorted(expected)
    for row, path in zip(vectors, listing["paths"], strict=True):
        assert np.array_equal(row, np.asarray(expected[path], dtype=np.float32))
    (photos / "broken.png").write_bytes(encode(scene(4, (64, 48))))
    assert run(capsys, "embed", photos, "--model", "mobileclip", "--output", output)[0] == 0
    assert np.load(output).shape == (5, 512)
    assert np.array_equal(np.load(output)[:4], vectors)  # what was there is kept


def test_a_folder_named_another_way_is_resumed_all_the_same(
    mock: CountingMock,
    photos: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "vectors.jsonl"
    monkeypatch.chdir(photos.parent)
    assert run(capsys, "embed", "photos", "--model", "mobileclip", "--output", output)[0] == 1
    sent = mock.paths.count(EMBED_PATH)
    for spelling in ("./photos", "photos/./", "photos//sub/../"):
        status, stderr = run(capsys, "embed", spelling, "photos/a.png", "--model", "mobileclip", "--output", output)
        assert (status, stderr[-1]) == (1, f"memories: 0 embedded, 1 failed, 4 already in {output}")
    assert mock.paths.count(EMBED_PATH) == sent + 3  # only the broken image, each time
    assert sorted(line["path"] for line in lines(output)) == [
        "photos/a.png",
        "photos/b.jpg",
        "photos/broken.png",
        "photos/sub/c.webp",
        "photos/sub/copy-of-a.PNG",
    ]


def test_a_file_name_that_is_no_utf8_is_sent_written_and_resumed(
    mock: CountingMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    image = folder / os.fsdecode(b"\xff-photo.png")  # a byte no encoding decodes: a surrogate escape in Python
    image.write_bytes(encode(scene(5, (32, 24))))
    output = tmp_path / "vectors.jsonl"
    command = ("embed", folder, "--model", "mobileclip", "--output", output)
    assert run(capsys, *command)[0] == 0
    assert [line["path"] for line in lines(output)] == [str(image)]
    assert run(capsys, *command)[1][-1] == f"memories: 0 embedded, 0 failed, 1 already in {output}"


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<out>", "--base-url", "ftp://x"], "http://"),
        (["embed", "<photos>/none", "--model", "mobileclip", "--output", "<out>"], "no such file or folder"),
        (["embed", "<photos>/notes-only", "--model", "mobileclip", "--output", "<out>"], "no image in"),
        (["embed", "<photos>", "--model", "multimodalembedding@001", "--output", "<mobileclip-out>"], "mobileclip"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<foreign-out>"], "line 2 of"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<photos>/none/out.jsonl"], "cannot write"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<photos>"], "is a folder"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<photos>", "--format", "npy"], "is a folder"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "/dev/null", "--format", "npy"], "regular file"),
        (["embed", "<photos>", "--model", "resnet", "--output", "<out>"], "invalid choice: 'resnet'"),
        (["embed", "<photos>", "--model", "mobileclip", "--output", "<out>", "--concurrency", "0"], "1 or more"),
        (["embed", "<photos>", "--output", "<out>"], "--model"),
    ],
    ids=[
        "base-url",
        "no-path",
        "no-image",
        "other-model",
        "foreign-file",
        "no-folder",
        "output-is-a-folder",
        "npy-output-is-a-folder",
        "npy-output-is-a-device",
        "model",
        "concurrency",
        "no-model",
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    mock: CountingMock,
    photos: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    reason: str,
) -> None:
    (photos / "notes-only").mkdir()
    (photos / "notes-only" / "notes.txt").write_text("text")
    (tmp_path / "mobileclip.jsonl").write_text('{"path": "x.png", "model": "mobileclip", "embedding": [1.0]}\n')
    (tmp_path / "foreign.jsonl").write_text('{"path": "x.png", "model": "mobileclip", "embedding": [1.0]}\nhello\n')
    places = {
        "<photos>": str(photos),
        "<out>": str(tmp_path / "out.jsonl"),
        "<mobileclip-out>": str(tmp_path / "mobileclip.jsonl"),
        "<foreign-out>": str(tmp_path / "foreign.jsonl"),
    }
    given = [next((arg.replace(k, v) for k, v in places.items() if arg.startswith(k)), arg) for arg in arguments]
    foreign = (tmp_path / "foreign.jsonl").read_bytes()
    status, stderr = run(capsys, *given)
    assert status == 2
    *usage, error = stderr
    assert error.startswith("memories embed: error: ")
    assert reason in error
    assert all(line.startswith(("usage:", " ")) for line in usage)  # argparse's usage, before its error
    assert "Traceback" not in "\n".join(stderr)
    assert mock.paths == []  # nothing was sent
    assert not (tmp_path / "out.jsonl").exists()
    assert (tmp_path / "foreign.jsonl").read_bytes() == foreign  # a file it did not write is left alone


def help_text(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_the_help_says_what_the_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    overview = help_text(capsys, "--help")
    assert "embed" in overview
    assert "MEMORIES_API_KEY" in overview
    embed_help = " ".join(help_text(capsys, "embed", "--help").split())  # as one line: argparse wraps by width
    needles = ["--model {mobileclip,multimodalembedding@001}", "--output FILE", "--concurrency N", "--base-url URL"]
    needles += ["--format {jsonl,npy}", "N x D float32", "resume", "Ctrl-C", "exit status: 0", "1 some failed"]
    needles += [
        "--async-backend {httpx,aiohttp}",
        "2 usage error",
        ".webp",
        "MEMORIES_API_KEY",
        '"error": {"status": 415, "code": 415, "msg": "..."}',
    ]
    assert [needle for needle in needles if needle not in embed_help] == []
    status, stderr = run(capsys)
    assert status == 2  # no command: the help on stderr, as for any usage error
    assert stderr[0].startswith("usage: memories")


def cli(*args: str | Path, env: dict[str, str], **options: Any) -> subprocess.Popen[bytes]:
    """`python -m memories_sdk` as a process of its own, with `env` added to this process's environment."""
    command = [sys.executable, "-m", "memories_sdk", *map(str, args)]
    return subprocess.Popen(command, env={**os.environ, **env}, **options)


def wait_until(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def ctrl_c() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt here and in the processes started here, as it does in a terminal.

    A shell starts background jobs (`make test &`, `nohup`) with SIGINT ignored, which this process and its
    children would inherit: Python then installs no KeyboardInterrupt handler at all.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("suffix", [".jsonl", ".npy"])
def test_ctrl_c_leaves_a_valid_file_that_a_second_run_completes(
    ctrl_c: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(10):
        (folder / f"{seed}.png").write_bytes(encode(scene(seed, (32, 24))))
    output = tmp_path / f"vectors{suffix}"
    command = ("embed", folder, "--model", "mobileclip", "--output", output, "--concurrency", "1")
    with counting_mock(delay=0.3) as slow:
        env = {"MEMORIES_API_KEY": slow.api_key, "MEMORIES_BASE_URL": slow.base_url}
        process = cli(*command, env=env, stderr=subprocess.PIPE)
        wait_until(lambda: slow.paths.count(EMBED_PATH) >= 3)  # two answered, one in flight
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 130, stderr
        assert b"interrupted" in stderr.splitlines()[-1]
        assert b"Traceback" not in stderr
        done = embedded_paths(output)
        assert 2 <= len(done) < 10
        slow.delay = 0
        monkeypatch.setenv("MEMORIES_API_KEY", slow.api_key)
        monkeypatch.setenv("MEMORIES_BASE_URL", slow.base_url)
        sent = slow.paths.count(EMBED_PATH)
        assert run(capsys, *command)[0] == 0
        assert slow.paths.count(EMBED_PATH) == sent + 10 - len(done)
    assert sorted(embedded_paths(output)) == sorted(str(path) for path in folder.iterdir())


def embedded_paths(output: Path) -> list[str]:
    """The paths an output holds embeddings of, after checking that it is whole."""
    if output.suffix == ".npy":
        listing = json.loads(output.with_name(output.stem + ".paths.json").read_text())
        assert np.load(output).shape == (len(listing["paths"]), 512)
        return list(listing["paths"])
    return [line["path"] for line in lines(output) if "embedding" in line]


def test_output_to_a_pipe_is_written_without_resuming(mock: CountingMock, photos: Path) -> None:
    env = {"MEMORIES_API_KEY": mock.api_key, "MEMORIES_BASE_URL": mock.base_url}
    command = ("embed", photos / "a.png", photos / "b.jpg", "--model", "mobileclip", "--output", "/dev/stdout")
    with cli(*command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            stdout, stderr = process.communicate(timeout=30)  # it once waited to read the pipe it was to write
        finally:
            process.kill()
    assert process.returncode == 0, stderr
    assert sorted(json.loads(line)["path"] for line in stdout.splitlines()) == [
        str(photos / "a.png"),
        str(photos / "b.jpg"),
    ]


def test_an_output_that_fills_up_is_one_line_and_keeps_whole_lines(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(8):
        (folder / f"{seed}.png").write_bytes(encode(scene(seed, (32, 24))))
    output = tmp_path / "vectors.jsonl"
    # The largest file the process may write: room for two lines of 512 numbers and part of a third, as on a full disk.
    limited = f"import resource, runpy; resource.setrlimit(resource.RLIMIT_FSIZE, (14000, 14000)); {RUN_MODULE}"
    arguments = ["embed", str(folder), "--model", "mobileclip", "--output", str(output), "--concurrency", "1"]
    with counting_mock() as mock:
        env = {**os.environ, "MEMORIES_API_KEY": mock.api_key, "MEMORIES_BASE_URL": mock.base_url}
        full = subprocess.run([sys.executable, "-c", limited, *arguments], env=env, capture_output=True, timeout=60)
        written = lines(output)  # whole lines only: the one that did not fit is not left half written
        assert 1 <= len(written) < 8
        assert full.returncode == 2, full.stderr
        assert full.stderr.splitlines()[-1] == f"memories embed: error: cannot write {output}: File too large".encode()
        assert b"Traceback" not in full.stderr
        resumed = subprocess.run([sys.executable, "-m", "memories_sdk", *arguments], env=env, capture_output=True)
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(line["path"] for line in lines(output)) == sorted(str(path) for path in folder.iterdir())


RUN_MODULE = "import sys; sys.argv[0] = 'memories'; runpy.run_module('memories_sdk', run_name='__main__')"


def test_ctrl_c_before_any_request_is_one_line_and_exit_130(
    ctrl_c: None,
    mock: CountingMock,
    photos: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walk = os.walk

    def interrupted_walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while a large folder is searched
        return walk(top)

    monkeypatch.setattr(os, "walk", interrupted_walk)
    try:
        status, stderr = run(capsys, "embed", photos, "--model", "mobileclip", "--output", tmp_path / "v.jsonl")
    except KeyboardInterrupt:
        pytest.fail("the KeyboardInterrupt escaped main(): a traceback")
    assert (status, stderr) == (130, ["memories: interrupted"])
    assert mock.paths == []


def test_no_api_key_names_the_variable_only(
    photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMORIES_API_KEY", " ")
    status, stderr = run(capsys, "embed", photos, "--model", "mobileclip", "--output", tmp_path / "v.jsonl")
    assert (status, stderr) == (2, ["memories embed: error: no API key: set MEMORIES_API_KEY"])


def test_a_terminal_gets_a_progress_bar_with_the_failures(mock: CountingMock, photos: Path, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = {"MEMORIES_API_KEY": mock.api_key, "MEMORIES_BASE_URL": mock.base_url}
    process = cli("embed", photos, "--model", "mobileclip", "--output", tmp_path / "v.jsonl", env=env, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 30)
        assert ready, "the command went silent"
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the command exited and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.wait(30) == 1
    bar = shown.decode(errors="replace")
    assert "100%" in bar
    assert "5/5" in bar
    assert "img/s" in bar
    assert "failed=1" in bar
