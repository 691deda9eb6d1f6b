"""The model in an agent loop: which tools a question needs, which it has already had, and the answer.

A real model calls ``get_weather`` for "What's the weather in Paris?", reads the tool's result on the
next turn and answers from it; it does not call the tool again. Here: ``plan`` decides the calls still
needed since the user's last message (none once every needed tool has answered), honouring
``tool_choice`` (auto / none / required / a named function) and ``parallel_tool_calls``; ``answer``
turns the tool results into the reply. Output tools (pydantic-ai's ``final_result``) are called last,
with arguments filled from the results.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fake_llm.context import Passage, rank, terms
from fake_llm.extract import Extractor, kind_of, reference_date, words_of
from fake_llm.schema_fill import fill_schema
from fake_llm.types import Message, Role, Tool, ToolCall

# Tool-name words that say how, not what: "get_weather" is about weather.
_VERBS = frozenset("get fetch lookup look up search find check query retrieve read list show call run do make "
                   "create tool func function api current calculate compute add sum multiply subtract divide "
                   "calc".split())
_MATH = {"add": ("+", "plus", "sum", "add", "total"), "sum": ("+", "plus", "sum", "add", "total"),
         "multiply": ("*", "×", "times", "multiply", "product", "multiplied"),
         "subtract": ("-", "minus", "subtract", "difference"), "divide": ("/", "÷", "divided", "divide", "quotient"),
         "calculat": ("+", "-", "*", "/", "calculate", "compute", "math"), "calculator": ("+", "-", "*", "/")}
_SYNONYMS = {"rain": "weather", "raining": "weather", "forecast": "weather", "temperature": "weather",
             "sunny": "weather", "cold": "weather", "hot": "weather", "warm": "weather", "clock": "time",
             "stock": "price", "share": "price", "translate": "translation", "email": "mail"}
_FOLLOW_UP = re.compile(r"^\s*(?:and|what about|how about|and what about|same for|now|also|then)\b", re.I)
_DOC_TAG = re.compile(r"\[doc:[^\]]*\]\s*")
_OUTPUT_TOOL = re.compile(r"^final_(?:result|output|answer)", re.I)

def _as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one: schema keywords of the wrong kind are ignored."""
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []



@dataclass(frozen=True)
class ToolResult:
    call_id: str | None
    name: str
    output: str


@dataclass
class Turn:
    """The conversation as an agent loop sees it."""

    question: str = ""
    calls: list[ToolCall] = field(default_factory=list)  # made since the user's last message
    results: list[ToolResult] = field(default_factory=list)  # their results
    earlier_calls: list[ToolCall] = field(default_factory=list)  # made for earlier questions
    earlier_questions: list[str] = field(default_factory=list)
    earlier_results: list[ToolResult] = field(default_factory=list)  # what tools said for earlier questions


def read_turn(messages: tuple[Message, ...], question: str) -> Turn:
    last_user = max((i for i, m in enumerate(messages) if m.role is Role.USER), default=-1)
    names: dict[str, str] = {}
    turn = Turn(question=question)
    for i, m in enumerate(messages):
        for call in m.tool_calls:
            names[call.id] = call.name
            (turn.calls if i > last_user else turn.earlier_calls).append(call)
        if m.role is Role.TOOL:
            name = m.name or names.get(m.tool_call_id or "", "") or ""
            (turn.results if i > last_user else turn.earlier_results).append(ToolResult(m.tool_call_id, name,
                                                                                        m.content))
        if m.role is Role.USER and i < last_user and m.content.strip():
            turn.earlier_questions.append(m.content)
    return turn


def is_output_tool(tool: Tool) -> bool:
    """A tool whose call is the final answer (pydantic-ai's output tools), not a function to run."""
    return bool(_OUTPUT_TOOL.match(tool.name)) or "final response" in tool.description.lower()


def _question_terms(question: str) -> set[str]:
    asked = set(terms(question))
    asked |= {_SYNONYMS[t] for t in asked if t in _SYNONYMS}
    lowered = question.lower()
    for key, cues in _MATH.items():
        cued = any((c in lowered) if not c.isalpha() else re.search(rf"\b{c}", lowered) for c in cues)
        if cued and (re.search(r"\d", question) or key in asked):
            asked.add(key)
    return asked


def _name_terms(tool: Tool) -> set[str]:
    name_words = [w for w in words_of(tool.name) if w not in _VERBS or w in _MATH]
    name_terms = {t for w in name_words for t in terms(w)} | {w for w in name_words if w in _MATH}
    for w in words_of(tool.name):
        name_terms |= {k for k in _MATH if w.startswith(k)}
    return name_terms


def named_by(tool: Tool, question: str) -> bool:
    """Whether the question uses a word of the tool's name ("weather" for get_weather)."""
    return bool(_question_terms(question) & _name_terms(tool)) or tool.name.lower() in question.lower()


def relevance(tool: Tool, question: str) -> float:
    """2 per tool-name word the question uses, 1 per description word (at most 3), 0.5 per parameter."""
    asked = _question_terms(question)
    score = 2.0 * len(asked & _name_terms(tool))
    score += min(3, len(asked & set(terms(tool.description))))
    params = (tool.parameters.get("properties") or {}) if isinstance(tool.parameters, dict) else {}
    score += 0.5 * len(asked & {t for p in params for t in terms(" ".join(words_of(str(p))))})
    if tool.name.lower() in question.lower():
        score += 4
    return score


def _canon(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, default=str)


def _call_id(rng: random.Random) -> str:
    return f"call_{rng.getrandbits(96):024x}"


def arguments_for(tool: Tool, text: str, rng: random.Random, *, answer: str | None = None,
                  today: date | None = None) -> dict[str, Any]:
    """The tool's arguments from the user's words: required fields always, optional ones when the text
    has a value for them (a real model leaves out what it does not know)."""
    schema = tool.parameters if isinstance(tool.parameters, dict) else {}
    props = _as_dict(schema.get("properties"))
    required = set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
    filled = fill_schema({**schema, "type": "object"}, text, rng, answer=answer, today=today).value
    if not isinstance(filled, dict):
        return {}
    probe = Extractor(text, today)
    out = {}
    for key, value in filled.items():
        sub = _as_dict(props.get(key))
        if key in required or _mentioned(probe, key, sub):
            out[key] = value
    return out


def _mentioned(probe: Extractor, key: str, sub: dict[str, Any]) -> bool:
    if isinstance(sub.get("enum"), list):
        return probe.enum(sub["enum"]) is not None
    kind = sub.get("type")
    if kind in ("integer", "number"):
        return probe.number(key, consume=False) is not None and kind_of(key) is None
    if kind == "string" or kind is None:
        return kind_of(key, sub.get("format")) not in (None, "query") and probe.string(
            key, sub.get("format"), consume=False) is not None
    return probe.mentions(" ".join(words_of(key)))


def _calls_for(tool: Tool, text: str, rng: random.Random, today: date | None) -> list[ToolCall]:
    """One call, or one per place when the user named several ("Paris and London")."""
    args = arguments_for(tool, text, rng, today=today)
    props = (tool.parameters.get("properties") or {}) if isinstance(tool.parameters, dict) else {}
    for key, value in args.items():
        sub = _as_dict(props.get(key))
        if isinstance(value, str) and sub.get("type", "string") == "string":
            many = Extractor(text).all_of(key, sub.get("format"))
            if len(many) > 1 and value in many:
                return [ToolCall(_call_id(rng), tool.name, {**args, key: v}) for v in many]
    return [ToolCall(_call_id(rng), tool.name, args)]


def plan(tools: tuple[Tool, ...], tool_choice: str | None, parallel: bool, turn: Turn, context: str,
         rng: random.Random, answer: str, *, answered: bool = True) -> list[ToolCall]:
    """The tool calls to make now; empty when the model should answer in text. ``answered``: whether
    the context already answers the question (if not, a search tool is worth a call).

    A call whose required value the user never gave (the city in "the weather where order 42
    ships") waits for the other tools the question needs; once their results are in, it is made
    with the value taken from them, and the model answers when no needed call is left."""
    if not tools or tool_choice == "none":
        return []
    text = "\n".join([turn.question, *(r.output for r in turn.results), context])
    today = reference_date(context)
    named = next((t for t in tools if t.name == tool_choice), None)
    if named is not None:
        extra = answer if is_output_tool(named) else None
        return [ToolCall(_call_id(rng), named.name, arguments_for(named, text, rng, answer=extra, today=today))]
    functions = [t for t in tools if not is_output_tool(t)]
    outputs = [t for t in tools if is_output_tool(t)]
    needed, waiting = _needed(functions, turn, rng, today)
    if not needed and not waiting and not answered and not turn.results and (search := _search_tool(functions)):
        needed = _calls_for(search, turn.question, rng, today)
    done = {(c.name, _canon(c.arguments)) for c in turn.calls}
    done_names = {c.name for c in turn.calls}
    planned_names = [c.name for c in needed]

    def fresh(calls: list[ToolCall]) -> list[ToolCall]:
        return [c for c in calls if (c.name, _canon(c.arguments)) not in done
                and (c.name not in done_names or planned_names.count(c.name) > 1)]

    remaining = fresh(needed)
    if not remaining and waiting and not turn.calls:
        remaining = fresh(waiting)  # nothing could give the missing value: call with the best guess, as now
    if remaining:
        return remaining if parallel else remaining[:1]
    if outputs:
        return [ToolCall(_call_id(rng), outputs[0].name,
                         arguments_for(outputs[0], text, rng, answer=answer, today=today))]
    if tool_choice == "required":
        best = max(functions or list(tools), key=lambda t: relevance(t, turn.question))
        return [ToolCall(_call_id(rng), best.name, arguments_for(best, text, rng, today=today))]
    return []


def _needed(functions: list[Tool], turn: Turn, rng: random.Random,
            today: date | None) -> tuple[list[ToolCall], list[ToolCall]]:
    """(calls the question needs whose values are known, calls still waiting for a value)."""
    scored = sorted(((relevance(t, turn.question), i, t) for i, t in enumerate(functions)), key=lambda s: (-s[0], s[1]))
    relevant = [t for score, _, t in scored if score >= 2]
    chosen = relevant
    if not chosen and turn.earlier_calls and (_FOLLOW_UP.match(turn.question) or len(terms(turn.question)) <= 3):
        previous = next((t for t in functions if t.name == turn.earlier_calls[-1].name), None)
        if previous is not None:
            calls = _calls_for(previous, turn.question, rng, today)
            base = turn.earlier_calls[-1].arguments
            return [ToolCall(c.id, c.name, {**base, **c.arguments}) for c in calls], []
    if len(chosen) > 1:  # several tools: only those the question names, not every loose match
        top = scored[0][0]
        chosen = [t for score, _, t in scored if score >= 2 and (score >= 4 or score == top
                                                                 or named_by(t, turn.question))]
    ready: list[ToolCall] = []
    waiting: list[ToolCall] = []
    for tool in chosen:
        calls, missing = _grounded_calls(tool, turn, rng, today)
        (waiting if missing else ready).extend(calls)
    if waiting:  # a value nobody gave: the other tools the question names may give it
        for tool in relevant:
            if tool not in chosen:
                calls, missing = _grounded_calls(tool, turn, rng, today)
                if not missing:
                    ready.extend(calls)
    return ready, waiting


def _grounded_calls(tool: Tool, turn: Turn, rng: random.Random, today: date | None) -> tuple[list[ToolCall], bool]:
    """The tool's calls with arguments from the user's words, required values the words lack taken
    from this turn's tool results; and whether a required value is still missing."""
    calls = _calls_for(tool, turn.question, rng, today)
    schema = tool.parameters if isinstance(tool.parameters, dict) else {}
    props = _as_dict(schema.get("properties"))
    required = [k for k in _as_list(schema.get("required")) if isinstance(k, str)]
    probe = Extractor(turn.question, today)
    lacking = [k for k in required if not _given(probe, k, _as_dict(props.get(k)))]
    if not lacking:
        return calls, False
    found = {k: v for k in lacking if (v := _from_results(k, _as_dict(props.get(k)), turn.results)) is not None}
    out = [ToolCall(c.id, c.name, {**c.arguments, **found}) for c in calls]
    return out, len(found) < len(lacking)


# kinds of value a user must say for a call to be made with it: an unknown kind the model can word itself
_MUST_BE_SAID = frozenset({"location", "date", "id", "person", "email", "url", "phone"})


def _given(probe: Extractor, key: str, sub: dict[str, Any]) -> bool:
    """Whether the user's words hold a value for a required field (a city, an order id, a number)."""
    if isinstance(sub.get("enum"), list) or "default" in sub or "const" in sub:
        return True
    kind = sub.get("type")
    if kind in ("integer", "number"):
        return probe.number(key, consume=False) is not None
    if kind not in ("string", None):
        return True
    fmt = sub.get("format") if isinstance(sub.get("format"), str) else None
    wanted = kind_of(key, fmt) or kind_of(str(sub.get("description") or ""))
    if wanted not in _MUST_BE_SAID:
        return True
    return probe.string(key, fmt, str(sub.get("description") or ""), consume=False) is not None


def _from_results(key: str, sub: dict[str, Any], results: list[ToolResult]) -> Any:
    """A value for ``key`` from the tools' results: a field of the same name or kind in a JSON result
    (``ship_to.city`` for ``city``), else one found in a result's text ("ships to Lisbon")."""
    fmt = sub.get("format") if isinstance(sub.get("format"), str) else None
    wanted = kind_of(key, fmt) or kind_of(str(sub.get("description") or ""))
    numeric = sub.get("type") in ("integer", "number")
    for result in reversed(results):  # the latest result first: it answers the latest call
        try:
            value = json.loads(result.output)
        except ValueError:
            value = None
        hit = _field(value, key, wanted, numeric) if isinstance(value, dict | list) else None
        if hit is not None:
            return hit
    text = "\n".join(readable(r.output) for r in results)
    probe = Extractor(text)
    if numeric:
        number = probe.number(key, consume=False)
        return None if number is None else (int(number) if sub.get("type") == "integer" else number)
    return probe.string(key, fmt, str(sub.get("description") or ""), consume=False) if wanted else None


def _field(value: Any, key: str, wanted: str | None, numeric: bool, depth: int = 0) -> Any:
    """The value of the same-named field, else of a field of the wanted kind, searched depth-first."""
    if depth > 6:
        return None
    items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))[:20]
    def fits(v: Any) -> bool:
        return (isinstance(v, int | float) and not isinstance(v, bool)) if numeric else (isinstance(v, str) and v != "")
    for k, v in items:
        if isinstance(k, str) and k.lower() == key.lower() and fits(v):
            return v
    for k, v in items:
        if wanted and isinstance(k, str) and kind_of(k) == wanted and fits(v):
            return v
    for _, v in items:
        if isinstance(v, dict | list):
            hit = _field(v, key, wanted, numeric, depth + 1)
            if hit is not None:
                return hit
    return None


_SEARCH_WORDS = frozenset("search retrieve retrieval lookup query knowledge docs doc documentation kb faq wiki rag "
                          "handbook manual policies policy articles".split())


def _search_tool(functions: list[Tool]) -> Tool | None:
    """A tool that looks things up (``search_docs``, ``query_knowledge_base``): what a model calls for a
    question its context does not answer."""
    for tool in functions:
        described = tool.description.lower()
        if _SEARCH_WORDS & set(words_of(tool.name)) or any(
                cue in described for cue in ("search", "knowledge base", "documentation", "look up", "retriev")):
            return tool
    return None


def _noun(name: str) -> str:
    words = [w for w in words_of(name) if w not in _VERBS and not w.isdigit()]
    return " ".join(words)


def readable(output: str) -> str:
    """A tool's output as words: JSON objects become 'key: value' pairs."""
    try:
        value = json.loads(output)
    except ValueError:
        return output.strip()
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {readable(json.dumps(v))}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(readable(json.dumps(v)) for v in value[:10])
    return str(value)


def is_handoff(name: str) -> bool:
    """openai-agents hands over to another agent with a ``transfer_to_<agent>`` tool: not an answer."""
    return name.startswith("transfer_to_")


def answer(turn: Turn, calls_by_id: dict[str, ToolCall]) -> str | None:
    """The reply once the tools have answered: each result said plainly, long ones by their best sentence.
    None when only hand-offs answered: the agent taking over answers the question itself."""
    sentences = []
    for result in turn.results:
        if is_handoff(result.name):
            continue
        call = calls_by_id.get(result.call_id or "")
        noun = _noun(result.name)
        about = ", ".join(str(v) for v in (call.arguments.values() if call else []) if isinstance(v, str | int | float)
                          and not isinstance(v, bool))[:80]
        body = _DOC_TAG.sub("", readable(result.output)).strip()
        if _search_tool([Tool(result.name)]) is not None:  # retrieved text: answer with what answers the question
            ranked = rank(turn.question, (Passage(body),))
            sentences.append(" ".join(c.sentence for c in ranked[:2]) or body[:400])
            continue
        if len(body) > 400:
            ranked = rank(turn.question, (Passage(body),))
            body = " ".join(c.sentence for c in ranked[:2]) or body[:400]
        if re.match(r"^\s*(?:error|exception|failed)\b", body, re.I):
            sentences.append(f"I couldn't get the {noun or 'result'}: {body}")
        elif noun and about:
            sentences.append(f"The {noun} for {about}: {body}".rstrip(".") + ".")
        elif noun:
            sentences.append(f"The {noun} is {body}".rstrip(".") + ".")
        else:
            sentences.append(f"The result is {body}".rstrip(".") + ".")
    return " ".join(sentences) or None
