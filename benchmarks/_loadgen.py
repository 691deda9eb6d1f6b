"""What the HTTP benchmarks share: servers in their own processes, and wrk as the load generator.

wrk (the Debian package) is a native load generator: unlike a Python client it is not the ceiling
of what it measures. A small Lua script gives every request the same POST body and headers and
prints wrk's summary as one JSON line, which ``run_wrk`` reads.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
_RUNS = itertools.count()  # each distinct run's counter starts a billion past the last one's

_LUA = """
local f = assert(io.open(os.getenv("WRK_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
wrk.headers["x-api-key"] = "sk-bench"
wrk.headers["anthropic-version"] = "2023-06-01"

-- with WRK_DISTINCT set, every request's body is new: %%N%% in it becomes a counter, which
-- starts where this run's WRK_DISTINCT says, so a run after a warm-up repeats none of its requests
if os.getenv("WRK_DISTINCT") then
  local n = tonumber(os.getenv("WRK_DISTINCT"))
  request = function()
    n = n + 1
    local body = string.gsub(wrk.body, "%%%%N%%%%", tostring(n))
    return wrk.format(nil, nil, nil, body)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_s: float
    socket_errors: int
    non_2xx: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def need_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (Debian package)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_wrk(url: str, body: bytes, *, duration_s: float, connections: int, threads: int = 1,
            distinct: bool = False) -> WrkResult:
    """One wrk run POSTing ``body`` to ``url``; ``distinct``: ``%%N%%`` in the body becomes a
    counter, so no two requests are the same, in this run or any other of this process."""
    with tempfile.TemporaryDirectory() as tmp:
        script, body_file = Path(tmp, "post.lua"), Path(tmp, "body.json")
        script.write_text(_LUA)
        body_file.write_bytes(body)
        out = subprocess.run(
            [need_wrk(), f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s", "--timeout", "10s",
             "-s", str(script), url],
            capture_output=True, text=True, check=True,
            env={**os.environ, "WRK_BODY_FILE": str(body_file),
                 **({"WRK_DISTINCT": str(next(_RUNS) * 1_000_000_000)} if distinct else {})},
        ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    d = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(d["requests"], d["duration_us"] / 1e6, d["socket_errors"], d["non_2xx"],
                     d["p50_us"] / 1000, d["p99_us"] / 1000)


def wait_until_up(base_url: str, proc: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server for {base_url} exited with {proc.returncode}")
        try:
            httpx.get(base_url + "/", timeout=0.5)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered on {base_url} within {timeout_s:g} s") from None
            time.sleep(0.1)


@contextlib.contextmanager
def server_process(argv: Sequence[str], port: int, *, env: Mapping[str, str] | None = None,
                   cwd: str | Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A server started with ``argv`` listening on ``port``, stopped (and its children) on exit."""
    proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", proc)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def firedrill_serve_argv(port: int, *extra: str) -> list[str]:
    """``firedrill serve`` exactly as a user starts it, simulated latency off."""
    return [sys.executable, "-m", "chaos", "serve", "--port", str(port), "--latency-scale", "0", *extra]
