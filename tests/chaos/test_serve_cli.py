"""`firedrill serve` as a newcomer runs it: a real process on an ephemeral port, faults from a file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    faults = tmp_path / "faults.yaml"
    faults.write_text("- type: outage\n  id: down\n  params: {status: 502}\n  target: {keywords: [invoice]}\n")
    env = {**os.environ, "FIREDRILL_ADMIN_TOKEN": "fac"}
    proc = subprocess.Popen([sys.executable, "-m", "chaos", "serve", "--port", "0", "--latency-scale", "0",
                             "--faults", str(faults)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert match, first
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_prints_its_url_and_answers_the_official_sdk_with_file_faults(served: str) -> None:
    client = openai.OpenAI(base_url=served + "/v1", api_key="sk-test", max_retries=0)
    ok = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}])
    assert ok.choices[0].message.content
    with pytest.raises(openai.InternalServerError) as exc:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "my invoice?"}])
    assert exc.value.status_code == 502


def test_serve_refuses_a_broken_fault_file_with_its_line(tmp_path: Path) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text("- type: latency\n- type: nonsense\n")
    proc = subprocess.run([sys.executable, "-m", "chaos", "serve", "--port", "0", "--faults", str(faults)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and f"{faults}:2" in proc.stderr and "unknown fault type" in proc.stderr
