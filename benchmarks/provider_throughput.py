"""Chat completions per second from ``firedrill serve`` under wrk, against a bare endpoint.

Why: a drill's provider must never be the bottleneck of a team's own app. The ceiling is the same
stack (Starlette on uvicorn, TCP_NODELAY socket) answering a fixed body: the provider's own reply
to the same request, or for streaming the same SSE frames one chunk each. The ratio to it is what
the provider's own work costs. Every server runs in its own process and wrk (a native load
generator, Debian package) drives it; rounds alternate the servers so a noisy neighbour on the
machine hits all of them alike, and each figure is the best round.

Two load shapes: the same request repeated (what a load test of one endpoint sends; firedrill
answers a repeat from a byte template of an earlier answer while no fault is configured) and every
request distinct (a counter in the question: the full path, validation, model and rendering).

Peers (other fake LLM servers from PyPI) are measured in the same rounds when ``--peers-venv``
points at a virtualenv that has them (``python3 -m venv /tmp/peers && /tmp/peers/bin/pip install
agentbreak fakellm llmock mockllm``); a peer that is not installed is skipped and said so.

Run: ``.venv/bin/python benchmarks/provider_throughput.py [--duration 8] [--rounds 3]
[--connections 32] [--peers-venv /tmp/peers] [--profile]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loadgen import ROOT, WrkResult, firedrill_serve_argv, free_port, need_wrk, run_wrk, server_process  # noqa: E402

CHAT = "/v1/chat/completions"
QUESTION = "How much does the Pro plan cost?"
BODY = {"model": "gpt-4o", "messages": [
    {"role": "system", "content": "Answer from the context. [doc:plans-3 updated:2026-10-01] "
                                  "The Pro plan costs $49 per month. The Team plan costs $99 per month."},
    {"role": "user", "content": QUESTION}]}
STREAM_BODY = {**BODY, "stream": True, "stream_options": {"include_usage": True}}


def body_bytes(stream: bool, distinct: bool = False) -> bytes:
    """The request; ``distinct``: its question carries wrk's counter, so every request is new."""
    body = json.loads(json.dumps(STREAM_BODY if stream else BODY))
    if distinct:
        body["messages"][-1]["content"] = QUESTION + " (ticket %%N%%)"
    return json.dumps(body).encode()


# --- the bare endpoint (runs in its own process: ``--serve-bare PORT``) ----------------------------

def serve_bare(port: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    from fake_llm import Provider
    from fake_llm.hooks import Flavour

    headers = {"authorization": "Bearer sk-bench"}
    fixed = Provider().handle(Flavour.OPENAI, CHAT, headers, body_bytes(False))
    streamed = Provider().handle(Flavour.OPENAI, CHAT, headers, body_bytes(True))
    frames = [f.data for f in streamed.frames or []]

    async def chunks() -> Iterator[bytes]:  # type: ignore[misc]
        for frame in frames:
            yield frame

    async def bare(request: Request) -> Response:
        body = json.loads(await request.body())
        if body.get("stream"):
            return StreamingResponse(chunks(), media_type="text/event-stream")
        return Response(fixed.body, media_type="application/json")

    async def root(request: Request) -> Response:
        return Response(b"ok")

    app = Starlette(routes=[Route(CHAT, bare, methods=["POST"]), Route("/", root)])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # TCP_NODELAY, as ours
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off", http="httptools", loop="asyncio")).run(
        sockets=[sock])


# --- the servers under test -------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    name: str
    start: Callable[[int], contextlib.AbstractContextManager[object]]  # port -> running server


def _bare(port: int) -> contextlib.AbstractContextManager[object]:
    return server_process([sys.executable, __file__, "--serve-bare", str(port)], port, cwd=ROOT)


# ``firedrill serve`` under cProfile. uvicorn re-raises the SIGTERM that stopped it once it has shut
# down, and SIGTERM's default action ends the process before cProfile writes anything: raised as
# KeyboardInterrupt instead, it unwinds through the CLI's exit and the profile is written.
_PROFILED = """\
import cProfile, signal, sys
signal.signal(signal.SIGTERM, signal.default_int_handler)
out, sys.argv = sys.argv[1], ["firedrill", *sys.argv[2:]]
from chaos.cli import main
cProfile.run("main()", out)
"""


def _firedrill(profile_dir: Path | None) -> Callable[[int], contextlib.AbstractContextManager[object]]:
    def start(port: int) -> contextlib.AbstractContextManager[object]:
        argv = firedrill_serve_argv(port)
        if profile_dir is not None:  # a profile of the server while wrk drives it
            argv = [sys.executable, "-c", _PROFILED, str(profile_dir / f"serve-{port}.prof"), *argv[3:]]
        return server_process(argv, port, cwd=ROOT)
    return start


@contextlib.contextmanager
def _in_dir(files: dict[str, str], argv: Callable[[Path, int], list[str]], port: int) -> Iterator[object]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in files.items():
            Path(tmp, name).parent.mkdir(parents=True, exist_ok=True)
            Path(tmp, name).write_text(text.replace("PORT", str(port)))
        with server_process(argv(Path(tmp), port), port, cwd=tmp) as proc:
            yield proc


def peer_targets(venv: Path | None) -> tuple[list[Target], list[str]]:
    """The peers installed in ``venv``, and a line for each one that is not."""
    if venv is None:
        return [], ["peers: not measured (pass --peers-venv)"]
    bin_dir = venv / "bin"
    peers = {
        "AgentBreak (mock mode)": ("agentbreak", lambda port: _in_dir(
            {".agentbreak/application.yaml": "llm:\n  enabled: true\n  mode: mock\nmcp:\n  enabled: false\n"
                                             "serve:\n  port: PORT\n",
             ".agentbreak/scenarios.yaml": "version: 1\nscenarios: []\n"},
            lambda d, p: [str(bin_dir / "agentbreak"), "serve"], port)),
        "fakellm": ("fakellm", lambda port: _in_dir(
            {"fakellm.yaml": "version: 1\ndefaults:\n  fallback: deterministic_echo\nrules: []\n"},
            lambda d, p: [str(bin_dir / "fakellm"), "serve", "--port", str(p)], port)),
        "LLMock": ("llmock", lambda port: _in_dir(
            {}, lambda d, p: [str(bin_dir / "llmock"), "serve", "--port", str(p), "--log-level", "warning"], port)),
        "mockllm": ("mockllm", lambda port: _in_dir(
            {"responses.yml": f'responses:\n  "{QUESTION}": "The Pro plan costs $49 per month."\n'},
            lambda d, p: [str(bin_dir / "mockllm"), "start", "-r", "responses.yml", "--port", str(p)], port)),
    }
    found, missing = [], []
    for name, (exe, start) in peers.items():
        if (bin_dir / exe).exists():
            found.append(Target(name, start))
        else:
            missing.append(f"peer {name}: not installed in {venv}, skipped")
    return found, missing


# --- measuring --------------------------------------------------------------------------------

def measure(targets: list[Target], *, stream: bool, distinct: bool, rounds: int, duration_s: float,
            connections: int) -> dict[str, WrkResult]:
    best: dict[str, WrkResult] = {}
    body = body_bytes(stream, distinct)
    for _ in range(rounds):
        for target in targets:
            port = free_port()
            try:
                with target.start(port):
                    url = f"http://127.0.0.1:{port}{CHAT}"
                    run_wrk(url, body, duration_s=1, connections=connections, distinct=distinct)  # warm-up
                    result = run_wrk(url, body, duration_s=duration_s, connections=connections, distinct=distinct)
            except RuntimeError as exc:
                print(f"  {target.name}: {exc}", file=sys.stderr)
                continue
            if target.name not in best or result.rps > best[target.name].rps:
                best[target.name] = result
    return best


def report(title: str, results: dict[str, WrkResult], baseline: str, ours: str) -> None:
    print(f"\n{title}")
    print(f"  {'server':28s}{'req/s':>9s}{'p50 ms':>9s}{'p99 ms':>9s}{'errors':>8s}{'x bare':>8s}")
    base = results[baseline].rps
    for name, r in results.items():
        errors = r.socket_errors + r.non_2xx
        print(f"  {name:28s}{r.rps:9.0f}{r.p50_ms:9.2f}{r.p99_ms:9.2f}{errors:8d}{r.rps / base:8.2f}")
    ratio = results[ours].rps / base
    peers = {n: r.rps for n, r in results.items() if n not in (baseline, ours)}
    verdict = "goal met" if ratio >= 0.8 else "BELOW GOAL"
    print(f"  firedrill / bare: {ratio:.2f} (goal >= 0.8: {verdict})")
    if peers:
        fastest = max(peers, key=lambda n: peers[n])
        lead = results[ours].rps / peers[fastest]
        print(f"  firedrill / fastest peer ({fastest}): {lead:.2f} ({'ahead' if lead > 1 else 'behind'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of load per round and server")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--peers-venv", type=Path, help="a virtualenv with peer servers installed")
    parser.add_argument("--no-stream", action="store_true", help="skip the streaming rounds")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile firedrill serve into DIR")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    need_wrk()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    peers, missing = peer_targets(args.peers_venv)
    for line in missing:
        print(line)
    targets = [Target("bare Starlette, same body", _bare), Target("firedrill serve", _firedrill(args.profile)),
               *peers]
    print(f"wrk -t1 -c{args.connections}, {args.duration:g} s per server, best of {args.rounds} rounds")
    for stream in (False, True) if not args.no_stream else (False,):
        for distinct in (False, True):
            results = measure(targets, stream=stream, distinct=distinct, rounds=args.rounds,
                              duration_s=args.duration, connections=args.connections)
            title = ("streaming (SSE, include_usage)" if stream else "non-streaming") + (
                ", every request distinct" if distinct else ", the same request repeated")
            report(title, results, "bare Starlette, same body", "firedrill serve")


if __name__ == "__main__":
    main()
