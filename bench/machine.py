"""What the figures were measured on."""

import os
import platform
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

from bench.servers import PRISM


def _first(pattern: str, path: str) -> str:
    try:
        found = re.search(pattern, Path(path).read_text(), flags=re.MULTILINE)
    except OSError:
        return "unknown"
    return found.group(1).strip() if found else "unknown"


def _output(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return "not installed"
    return (result.stdout or result.stderr).strip().splitlines()[0]


def describe() -> dict[str, str]:
    """The machine, the system and the versions that matter to the figures."""
    memory_kib = _first(r"^MemTotal:\s+(\d+)", "/proc/meminfo")
    cpu = _first(r"^model name\s*:(.*)$", "/proc/cpuinfo")
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": f"{int(memory_kib) / 1024 / 1024:.0f} GiB" if memory_kib.isdigit() else "unknown",
        "System": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Server stack": f"uvicorn {version('uvicorn')} (httptools, uvloop), starlette {version('starlette')}",
        "Client stack": f"httpx {version('httpx')}, openapi-python-client {version('openapi-python-client')}",
        "Prism": f"{_output([str(PRISM), '--version'])} on Node {_output(['node', '--version'])}",
        "Load generator": _output(["wrk", "-v"]),
        # The cores may be shared with other work: a busy machine lowers every figure, baselines included.
        "Load average at the start (1, 5, 15 min)": load_average(),
    }


def load_average() -> str:
    """The system's load average over 1, 5 and 15 minutes."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())
