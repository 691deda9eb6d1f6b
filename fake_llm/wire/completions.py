"""OpenAI's legacy Completions (``POST /v1/completions``): request parsing and exact reply shapes.

Apps and frameworks that predate chat (and base models such as ``davinci-002``) still send a
prompt and read ``choices[i].text``. The shapes are the API's own: ``object: "text_completion"``
for the answer and for every streamed chunk (unlike chat, both share one shape), one choice per
prompt and ``n`` (index ``prompt * n + k``), logprobs as parallel ``tokens`` / ``token_logprobs``
/ ``top_logprobs`` / ``text_offset`` arrays whose offsets count from the start of the prompt
(the API scores the text as a continuation of it), and ``max_tokens`` 16 unless asked otherwise.
``best_of`` samples that many candidates per prompt, returns the ``n`` most likely and bills them
all, which is what makes it the cost surprise it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fake_llm.hooks import Frame
from fake_llm.tokens import count_tokens, logprobs_for, split_tokens
from fake_llm.types import FinishReason, Message, ModelReply, ModelRequest, Role, TokenLogprob
from fake_llm.wire.common import sse, stop_list

DEFAULT_MAX_TOKENS = 16  # the API's default for legacy completions, far below chat's
PARAGRAPH = "\n\n"  # what the completion models write first after a prompt that does not end in whitespace
_FINISH = {FinishReason.STOP: "stop", FinishReason.LENGTH: "length", FinishReason.TOOL_CALLS: "stop",
           FinishReason.REFUSAL: "stop", FinishReason.CONTENT_FILTER: "content_filter"}


@dataclass(frozen=True)
class CompletionOptions:
    """What shapes the answer beyond the model's reply."""

    prompts: tuple[str, ...]  # one choice group per prompt (token ids as ``t<id>`` words)
    prompt_tokens: tuple[int, ...]  # each prompt's length in tokens (a token array's is its length)
    n: int  # choices returned per prompt
    best_of: int  # candidates sampled per prompt (>= n); the n most likely are returned, all are billed
    stream: bool
    include_usage: bool
    echo: bool
    max_tokens: int  # as asked (0 writes nothing)
    logprobs: int | None  # None: not asked
    temperature: float | None


def _prompt_texts(prompt: Any) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The prompts as text and their token counts: token ids stand as ``t<id>`` words, as
    embeddings read them, and count one token each."""
    if prompt is None:
        return ("",), (0,)
    if isinstance(prompt, str):
        return (prompt,), (count_tokens(prompt),)
    if not prompt:
        return ("",), (0,)
    if all(isinstance(p, str) for p in prompt):
        return tuple(prompt), tuple(count_tokens(p) for p in prompt)
    rows = [prompt] if all(isinstance(p, int) for p in prompt) else prompt
    return tuple(" ".join(f"t{t}" for t in row) for row in rows), tuple(len(row) for row in rows)


def parse(body: dict[str, Any]) -> tuple[str, ModelRequest, CompletionOptions]:
    """(requested model, the request for the first prompt, options); ``checks.completions`` ran first."""
    prompts, prompt_tokens = _prompt_texts(body.get("prompt"))
    asked = body.get("max_tokens")
    max_tokens = DEFAULT_MAX_TOKENS if asked is None else asked
    logprobs = body.get("logprobs")
    n = body.get("n") or 1
    options = CompletionOptions(
        prompts=prompts, prompt_tokens=prompt_tokens, n=n, best_of=max(n, body.get("best_of") or 1),
        stream=bool(body.get("stream")),
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


def _likelihood(reply: ModelReply) -> float:
    """Mean log probability per token: how ``best_of`` ranks its candidates."""
    scores = reply.logprobs or logprobs_for(reply.text, 1, f"best_of|{reply.model_version}")
    return sum(s.logprob for s in scores) / len(scores) if scores else 0.0


def chosen(candidates: Sequence[ModelReply], options: CompletionOptions) -> list[ModelReply]:
    """The choices returned: ``candidates`` hold ``best_of`` replies per prompt, prompt by prompt;
    of each prompt's, the ``n`` most likely in the order they were sampled."""
    out: list[ModelReply] = []
    for start in range(0, len(candidates), options.best_of):
        group = list(candidates[start:start + options.best_of])
        if len(group) > options.n:
            kept = sorted(range(len(group)), key=lambda i: -_likelihood(group[i]))[:options.n]
            group = [group[i] for i in sorted(kept)]
        out += group
    return out


@dataclass(frozen=True)
class _Piece:
    text: str
    logprob: float | None  # None: the first token of an echoed prompt, which nothing before it scores
    top: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class _Choice:
    pieces: tuple[_Piece, ...]  # the text, token by token (the echoed prompt first)
    finish: str
    offset: int  # where the text starts in prompt + completion: 0 with echo, else the prompt's length

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def _scored(text: str, scores: Sequence[TokenLogprob] | None, salt: str, top: int) -> list[_Piece]:
    """``text`` in token pieces with their scores (``scores`` when the model gave them for it)."""
    pieces = split_tokens(text)
    given = list(scores) if scores is not None and len(scores) == len(pieces) else logprobs_for(text, top, salt)
    return [_Piece(piece, s.logprob, s.top[:top]) for piece, s in zip(pieces, given, strict=False)]


def _choices(replies: Sequence[ModelReply], options: CompletionOptions) -> list[_Choice]:
    top = max(1, options.logprobs or 0)
    out = []
    for i, reply in enumerate(replies):
        prompt = options.prompts[i // options.n]
        text = reply.text or reply.refusal or ""  # no refusal field here: a refusal is what the text says
        pieces: list[_Piece] = []
        if options.echo:
            echoed = _scored(prompt, None, f"prompt|{reply.model_version}", top)
            if echoed:
                pieces += [_Piece(echoed[0].text, None, ()), *echoed[1:]]
        if options.max_tokens:
            # after a prompt that does not end in whitespace the model breaks the paragraph first,
            # as the completion models do (so an echo reads right); that break is a token of its own
            if prompt and not prompt[-1].isspace() and text and not text[0].isspace():
                pieces += _scored(PARAGRAPH, None, f"paragraph|{reply.model_version}", top)
            pieces += _scored(text, reply.logprobs, reply.model_version, top)
        finish = _FINISH[reply.finish_reason] if options.max_tokens else "length"
        out.append(_Choice(tuple(pieces), finish, 0 if options.echo else len(prompt)))
    return out


def _logprobs(pieces: Sequence[_Piece], start_offset: int) -> dict[str, Any]:
    """The legacy logprobs object: parallel arrays, one entry per token, each token's offset
    into prompt + completion."""
    offsets, offset = [], start_offset
    for piece in pieces:
        offsets.append(offset)
        offset += len(piece.text)
    return {"tokens": [p.text for p in pieces], "token_logprobs": [p.logprob for p in pieces],
            "top_logprobs": [None if p.logprob is None else dict(p.top) or {p.text: p.logprob} for p in pieces],
            "text_offset": offsets}


def usage(candidates: Sequence[ModelReply], options: CompletionOptions, prompt_tokens: int) -> dict[str, int]:
    """Every prompt billed once (``prompt_tokens``, as a fault may have inflated it), every
    candidate's output billed, those ``best_of`` sampled and threw away too."""
    completion = 0 if options.max_tokens == 0 else sum(r.output_tokens for r in candidates)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion,
            "total_tokens": prompt_tokens + completion}


def render(candidates: Sequence[ModelReply], options: CompletionOptions, *, completion_id: str, created: int,
           prompt_tokens: int) -> dict[str, Any]:
    """The whole answer; ``candidates`` hold ``best_of`` replies per prompt, prompt by prompt."""
    choices = [{"text": c.text, "index": i,
                "logprobs": _logprobs(c.pieces, c.offset) if options.logprobs is not None else None,
                "finish_reason": c.finish} for i, c in enumerate(_choices(chosen(candidates, options), options))]
    return {"id": completion_id, "object": "text_completion", "created": created,
            "model": candidates[0].model_version, "choices": choices,
            "usage": usage(candidates, options, prompt_tokens)}


def stream(candidates: Sequence[ModelReply], options: CompletionOptions, *, completion_id: str, created: int,
           prompt_tokens: int, extra_ttft_s: float = 0.0, extra_per_token_s: float = 0.0) -> list[Frame]:
    """The SSE frames: each chunk a ``text_completion`` with one choice's next token, the choices
    interleaved, each ending with an empty text and its finish_reason (and empty logprob arrays
    when logprobs were asked for); then usage if asked, and ``[DONE]``. Streaming refuses
    ``best_of`` > 1 (``checks.completions``), so the candidates are the choices."""
    first = candidates[0]
    ttft, per_token = first.ttft_s + extra_ttft_s, first.per_token_s + extra_per_token_s
    head = {"id": completion_id, "object": "text_completion", "created": created, "model": first.model_version}
    asked = options.logprobs is not None
    lanes: list[list[tuple[dict[str, Any], float]]] = []
    for i, choice in enumerate(_choices(candidates, options)):
        lane: list[tuple[dict[str, Any], float]] = []
        offset = choice.offset
        for k, piece in enumerate(choice.pieces):
            logprobs = _logprobs([piece], offset) if asked else None
            offset += len(piece.text)
            delay = ttft if k == 0 else per_token * max(1, count_tokens(piece.text))
            lane.append(({"text": piece.text, "index": i, "logprobs": logprobs, "finish_reason": None}, delay))
        lane.append(({"text": "", "index": i, "logprobs": _logprobs([], offset) if asked else None,
                      "finish_reason": choice.finish}, 0.0 if lane else ttft))
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
        frames.append(sse({**head, "choices": [], "usage": usage(candidates, options, prompt_tokens)}))
    frames.append(Frame(b"data: [DONE]\n\n"))
    return frames
