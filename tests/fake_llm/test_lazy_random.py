"""A lazily seeded stream draws exactly what an eagerly seeded one draws, owed draws included,
and a request to a model with nothing to choose never seeds one."""

from __future__ import annotations

import random

import pytest

from fake_llm import lazy_random
from fake_llm.lazy_random import LazyRandom
from fake_llm.model import generate
from fake_llm.types import Message, ModelRequest, Role


def _draws(rng: random.Random) -> list[object]:
    return [rng.random(), rng.randint(1, 6), rng.getrandbits(32), rng.choice("abcdef"),
            rng.sample(range(100), 3), rng.uniform(2, 5), rng.gauss(0, 1)]


@pytest.mark.parametrize("skips_before", [0, 1, 3])
def test_the_lazy_stream_is_the_eager_stream_with_owed_draws_made_first(skips_before: int) -> None:
    eager, lazy = random.Random("seed text"), lazy_random.lazy(lambda: "seed text")
    for _ in range(skips_before):
        eager.random()
        lazy_random.skip(lazy)
    assert _draws(lazy) == _draws(eager)
    lazy_random.skip(lazy)  # once seeded, a skip is a draw like any other
    eager.random()
    assert _draws(lazy) == _draws(eager)


def test_the_seed_is_not_worked_out_until_a_draw() -> None:
    asked: list[int] = []

    def seed() -> str:
        asked.append(1)
        return "s"
    rng = LazyRandom(seed)
    rng.skip()
    assert not rng.seeded and not asked
    rng.random()
    assert rng.seeded and asked == [1]


def test_skip_on_a_plain_stream_draws_one() -> None:
    rng, twin = random.Random(4), random.Random(4)
    lazy_random.skip(rng)
    twin.random()
    assert rng.random() == twin.random()


def test_a_model_that_always_picks_the_best_sentence_never_seeds_its_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    seeded: list[str] = []
    stream = LazyRandom.stream

    def counted(self: LazyRandom) -> random.Random:
        if not self.seeded:
            seeded.append("seeded")
        return stream(self)
    monkeypatch.setattr(LazyRandom, "stream", counted)
    context = Message(Role.SYSTEM, "[doc:a] The Pro plan costs $49 per month. The Team plan costs $99 per month.")
    for model in ("gpt-4o", "gpt-4o-mini"):
        reply = generate(ModelRequest(model_version=model, messages=(
            context, Message(Role.USER, "How much does the Pro plan cost?"))), seed=1, repeat=False)
        assert "$" in reply.text
    assert seeded == ["seeded"]  # gpt-4o-mini (accuracy 0.93) draws; gpt-4o (1.0) has nothing to choose
