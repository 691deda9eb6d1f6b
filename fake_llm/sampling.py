"""Sampling: why the ``n`` choices of one chat request differ, as they do from a real model.

A real model samples each choice on its own: with a temperature above 0 the same facts come back
in other words, a made-up answer makes up other facts, and each tool call has its own id. Here
choice 0 is the model's reply as it always was (the drill world never asks for more than one), and
choice ``i`` is generated again from a random stream seeded by the request and ``i`` (so fabricated
facts, filled schema values and call ids differ), its prose in a wording of its own. At
temperature 0 every choice is the same, as greedy decoding makes them.
"""

from __future__ import annotations

import random

# Wordings around the same answer: what a second sample of an assistant says differently.
_LEADS = ("", "Sure. ", "Here is what I found. ", "Good question. ", "Happy to help. ", "In short: ")
_CODAS = ("", " Let me know if there is anything else.", " I hope that helps.", " Is there anything else I can do?",
          " Feel free to ask a follow-up question.")
_WORDINGS = tuple((lead, coda) for lead in _LEADS for coda in _CODAS if lead or coda)


def samples(temperature: float | None) -> bool:
    """Whether choices differ at this temperature (the APIs' default is 1)."""
    return temperature is None or temperature > 0


def reworded(text: str, choice: int, request_seed: str, *, lead_in: bool = True) -> str:
    """``text`` as choice ``choice`` says it: the same answer with a lead-in or a closing line of
    its own. ``request_seed`` is the same for every choice of one request, so choices 1, 2, … get
    distinct wordings (29 of them; 4 without ``lead_in``, which an "I don't know" would contradict)
    in an order of that request's own."""
    if choice == 0 or not text.strip():
        return text
    wordings = _WORDINGS if lead_in else tuple(w for w in _WORDINGS if not w[0])
    order = list(range(len(wordings)))
    random.Random(request_seed).shuffle(order)
    lead, coda = wordings[order[(choice - 1) % len(order)]]
    return f"{lead}{text.rstrip()}{coda}"
