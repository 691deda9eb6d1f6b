"""Replies any chat model gives without context: greetings, thanks, 'say X', small arithmetic.

Apps and SDK smoke tests send "Say hello" or "Reply with just OK" and check the reply; an agent's
first message is often "Hi". These answer as a real model would, before the model falls back to
"I don't know" for a question nothing in its context answers.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

MAX_CHARS = 2_000

_GREETING = re.compile(r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|greetings|howdy)\b[\s!.,?]*"
                       r"(?:there|you|everyone)?[\s!.,?]*$", re.I)
_THANKS = re.compile(r"^\s*(?:thanks|thank you|thx|cheers)\b[^?]*$", re.I)
_ECHO = re.compile(r"^\s*(?:please\s+)?(?:say|reply with|respond with|answer with|repeat|output|print|return|write)"
                   r"(?:\s+(?:only|just|exactly|back|the word|the phrase|this))*\s*:?\s*[\"'“`]?(?P<what>.+?)[\"'”`]?"
                   r"\s*(?:and nothing else|only)?[.!]?\s*$", re.I | re.S)
_WHO = re.compile(r"^\s*(?:who|what) are you\b", re.I)
_ARITH = re.compile(r"(?P<expr>-?\d+(?:\.\d+)?(?:\s*(?:[-+*/×÷x^]|\*\*|plus|minus|times|divided by|multiplied by)"
                    r"\s*-?\d+(?:\.\d+)?)+)")
_OPS: dict[type[ast.operator | ast.unaryop], Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.USub: operator.neg}


def reply(question: str) -> str | None:
    """The fixed-form reply to ``question``, or None when it is a real question."""
    q = question.strip()
    if not q or len(q) > MAX_CHARS:  # a long text is never small talk (and scanning it is not free)
        return None
    if _GREETING.match(q):
        return "Hello! How can I help you today?"
    if _THANKS.match(q):
        return "You're welcome! Let me know if there is anything else I can help with."
    if _WHO.match(q):
        return "I'm an AI assistant. How can I help?"
    if (match := _ECHO.match(q)) and len(match["what"]) <= 200:
        return match["what"].strip().strip("\"'“”`")
    if (match := _ARITH.search(q)) and re.search(r"\b(?:what|calculate|compute|how much|is|=)\b|^[\d\s.+*/×÷x^-]+\??$",
                                                  q, re.I):
        value = _evaluate(match["expr"])
        if value is not None:
            return f"{match['expr'].strip()} = {value}"
    return None


def _evaluate(expr: str) -> str | None:
    python = (expr.replace("×", "*").replace("÷", "/").replace("^", "**").replace("multiplied by", "*")
              .replace("divided by", "/").replace("plus", "+").replace("minus", "-").replace("times", "*"))
    python = re.sub(r"(?<=\d)\s*x\s*(?=\d)", "*", python)
    try:
        value = _eval(ast.parse(python, mode="eval").body)
    except (SyntaxError, ZeroDivisionError, OverflowError, ValueError, TypeError, KeyError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _eval(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 1e6):
            raise ValueError("too large")
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand))
    raise ValueError("not arithmetic")
