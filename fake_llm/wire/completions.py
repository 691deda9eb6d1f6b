"""OpenAI's legacy Completions (``POST /v1/completions``): request parsing and exact reply shapes.

Apps and frameworks that predate chat (and base models such as ``davinci-002``) still send a
prompt and read ``choices[i].text``. The shapes are the API's own: ``object: "text_completion"``
for the answer and for every streamed chunk (unlike chat, both share one shape), one choice per
prompt and ``n`` (index ``prompt * n + k``), logprobs as parallel ``tokens`` / ``token_logprobs``
/ ``top_logprobs`` / ``text_offset`` arrays, and ``max_tokens`` 16 unless asked otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from fake_llm.hooks import Frame
from fake_llm.tokens import count_tokens, logprobs_for, split_tokens
from fake_llm.types import FinishReason, Message, ModelReply, ModelRequest, Role, TokenLogprob
from fake_llm.wire.common import sse, stop_list

DEFAULT_MAX_TOKENS = 16  # the API's default for legacy completions, far below chat's
_FINISH = {FinishReason.STOP: "stop", FinishReason.LENGTH: "length", FinishReason.TOOL_CALLS: "stop",
           FinishReason.REFUSAL: "stop", FinishReason.CONTENT_FILTER: "content_filter"}


@dataclass(frozen=True)
class CompletionOptions:
    """What shapes the answer beyond the model's reply."""

    prompts: tuple[str, ...]  # one choice group per prompt
    n: int
    stream: bool
    include_usage: bool
    echo: bool
    max_tokens: int  # as asked (0 writes nothing)
    logprobs: int | None  # None: not asked
    temperature: float | None


def _prompt_texts(prompt: Any) -> tuple[str, ...]:
    """The prompts as text: token ids stand as ``t<id>`` words, as embeddings read them."""
    if prompt is None:
        return ("",)
    if isinstance(prompt, str):
        return (prompt,)
    if not prompt:
        return ("",)
    if all(isinstance(p, str) for p in prompt):
        return tuple(prompt)
    if all(isinstance(p, int) for p in prompt):
        return (" ".join(f"t{p}" for p in prompt),)
    return tuple(" ".join(f"t{t}" for t in row) for row in prompt)


def parse(body: dict[str, Any]) -> tuple[str, ModelRequest, CompletionOptions]:
    """(requested model, the request for the first prompt, options); ``checks.completions`` ran first."""
    prompts = _prompt_texts(body.get("prompt"))
    asked = body.get("max_tokens")
    max_tokens = DEFAULT_MAX_TOKENS if asked is None else asked
    logprobs = body.get("logprobs")
    options = CompletionOptions(
        prompts=prompts, n=body.get("n") or 1, stream=bool(body.get("stream")),
        include_usage=bool((body.get("stream_options") or {}).get("include_usage")),
        echo=bool(body.get("echo")), max_tokens=max_tokens, logprobs=logprobs,
        temperature=body.get("temperature"))
    request = ModelRequest(
        model_version=body["model"], messages=(Message(Role.USER, prompts[0]),), max_tokens=max(1, max_tokens),
        seed=body.get("seed"), stop=stop_list(body.get("stop"), "stop"),
        logprobs=max(1, logprobs) if logprobs is not None else None)
    return body["model"], request, options


def for_prompt(request: ModelRequest, prompt: str) -> ModelRequest:
    """The same request about another prompt of the batch."""
    return ModelRequest(**{**request.__dict__, "messages": (Message(Role.USER, prompt),)})


@dataclass(frozen=True)
class _Piece:
    text: str
    logprob: float | None  # None: the first token of an echoed prompt, which nothing before it scores
    top: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _Choice:
    pieces: tuple[_Piece, ...]  # the text, token by token (the echoed prompt first)
    finish: str

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def _scored(text: str, scores: Sequence[TokenLogprob] | None, salt: str, top: int) -> list[_Piece]:
    """``text`` in token pieces with their scores (``scores`` when the model gave them)."""
    pieces = split_tokens(text)
    given = list(scores) if scores is not None and len(scores) == len(pieces) else logprobs_for(text, top, salt)
    return [_Piece(piece, s.logprob, s.top[:top]) for piece, s in zip(pieces, given, strict=False)] or (
        [_Piece(text, 0.0, ())] if text else [])


def _continuing(prompt: str, text: str) -> str:
    """The reply as a continuation of the prompt: after a prompt that does not end in whitespace the
    model writes a paragraph break first, as the completion models do (so an echo reads right)."""
    if not prompt or prompt[-1].isspace() or not text or text[0].isspace():
        return text
    return "\n\n" + text


def _choices(replies: Sequence[ModelReply], options: CompletionOptions) -> list[_Choice]:
    top = max(1, options.logprobs or 0)
    out = []
    for i, reply in enumerate(replies):
        pieces: list[_Piece] = []
        if options.echo:
            prompt = options.prompts[i // options.n]
            echoed = _scored(prompt, None, f"prompt|{reply.model_version}", top)
            pieces += [replace(echoed[0], logprob=None, top=()), *echoed[1:]] if echoed else []
        if options.max_tokens:
            pieces += _scored(_continuing(options.prompts[i // options.n], reply.text), reply.logprobs,
                              reply.model_version, top)
        finish = _FINISH[reply.finish_reason] if options.max_tokens else "length"
        out.append(_Choice(tuple(pieces), finish))
    return out


def _logprobs(pieces: Sequence[_Piece], start_offset: int) -> dict[str, Any]:
    """The legacy logprobs object: parallel arrays, one entry per token, offsets into the text."""
    offsets, offset = [], start_offset
    for piece in pieces:
        offsets.append(offset)
        offset += len(piece.text)
    return {"tokens": [p.text for p in pieces], "token_logprobs": [p.logprob for p in pieces],
            "top_logprobs": [None if p.logprob is None else dict(p.top) or {p.text: p.logprob} for p in pieces],
            "text_offset": offsets}


def usage(replies: Sequence[ModelReply], options: CompletionOptions) -> dict[str, int]:
    """Every prompt billed once, every choice's output billed."""
    prompt = sum(count_tokens(p) for p in options.prompts)
    completion = 0 if options.max_tokens == 0 else sum(r.output_tokens for r in replies)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def render(replies: Sequence[ModelReply], options: CompletionOptions, *, completion_id: str,
           created: int) -> dict[str, Any]:
    """The whole answer; ``replies`` hold every choice, prompt by prompt, ``n`` each."""
    choices = [{"text": c.text, "index": i,
                "logprobs": _logprobs(c.pieces, 0) if options.logprobs is not None else None,
                "finish_reason": c.finish} for i, c in enumerate(_choices(replies, options))]
    return {"id": completion_id, "object": "text_completion", "created": created, "model": replies[0].model_version,
            "choices": choices, "usage": usage(replies, options)}


def stream(replies: Sequence[ModelReply], options: CompletionOptions, *, completion_id: str, created: int,
           extra_ttft_s: float = 0.0, extra_per_token_s: float = 0.0) -> list[Frame]:
    """The SSE frames: each chunk a ``text_completion`` with one choice's next token, the choices
    interleaved, each ending with an empty text and its finish_reason; then usage and ``[DONE]``."""
    first = replies[0]
    ttft, per_token = first.ttft_s + extra_ttft_s, first.per_token_s + extra_per_token_s
    head = {"id": completion_id, "object": "text_completion", "created": created, "model": first.model_version}
    lanes: list[list[tuple[dict[str, Any], float]]] = []
    for i, choice in enumerate(_choices(replies, options)):
        lane: list[tuple[dict[str, Any], float]] = []
        offset = 0
        for k, piece in enumerate(choice.pieces):
            logprobs = _logprobs([piece], offset) if options.logprobs is not None else None
            offset += len(piece.text)
            delay = ttft if k == 0 else per_token * max(1, count_tokens(piece.text))
            lane.append(({"text": piece.text, "index": i, "logprobs": logprobs, "finish_reason": None}, delay))
        lane.append(({"text": "", "index": i, "logprobs": None, "finish_reason": choice.finish},
                     0.0 if lane else ttft))
        lanes.append(lane)
    tail = {"usage": None} if options.include_usage else {}
    frames = []
    for k in range(max(len(lane) for lane in lanes)):
        paid = False  # the delay of a step is paid once, not once per choice
        for lane in lanes:
            if k < len(lane):
                chunk, delay = lane[k]
                frames.append(sse({**head, "choices": [chunk], **tail}, delay_s=0.0 if paid else delay))
                paid = True
    if options.include_usage:
        frames.append(sse({**head, "choices": [], "usage": usage(replies, options)}))
    frames.append(Frame(b"data: [DONE]\n\n"))
    return frames
