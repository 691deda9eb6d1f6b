"""The drill world answers correctly when nothing is broken, and every control does what it says."""

from __future__ import annotations

import random

import pytest

from fake_llm.errors import FakeLLMError
from fake_llm.world.world import World


def ask_all(world: World, n: int = 800, seed: int = 1) -> list:  # type: ignore[type-arg]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        user, segment, question = world.next_request(rng)
        out.append(world.ask(user=user, segment=segment, question=question))
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_no_faults_the_golden_set_is_answered_correctly(seed: int) -> None:
    world = World(seed=seed)
    answers = [world.ask(user="u", segment="free", question=q) for q in world.kb.golden]
    assert sum(a.correct for a in answers) / len(answers) >= 0.95
    assert all(a.sources for a in answers if a.correct)  # answers cite their documents


def test_the_judge_estimate_is_within_5_points_of_the_truth() -> None:
    world = World(seed=4)
    world.telemetry.judge_rate = 1.0
    answers = ask_all(world, 1000)
    truth = sum(a.correct for a in answers) / len(answers)
    estimate = sum(world.telemetry.judgements.values()) / len(world.telemetry.judgements)
    assert abs(truth - estimate) <= 0.05


def test_same_seed_same_world_and_answers() -> None:
    a, b = World(seed=9), World(seed=9)
    assert a.kb.company == b.kb.company
    assert [x.text for x in ask_all(a, 50)] == [x.text for x in ask_all(b, 50)]


def test_kill_switch_stops_model_calls() -> None:
    world = World(seed=1)
    world.set_feature(False)
    answers = ask_all(world, 50)
    assert all(a.status == "disabled" and not a.served and a.input_tokens == 0 for a in answers)
    assert world.changes.entries[-1].summary == "assistant feature flag disabled"


def test_cached_fallback_answers_known_questions_without_the_model() -> None:
    world = World(seed=1)
    world.set_fallback("cached")
    answers = ask_all(world, 50)
    assert all(a.status == "cached" and a.correct and a.input_tokens == 0 for a in answers)


def test_backup_model_fallback_uses_the_cheaper_model() -> None:
    world = World(seed=1)
    world.set_fallback("backup-model")
    answers = ask_all(world, 50)
    assert {a.model_version for a in answers} == {"fd-small-2026-08-01"}


def test_topic_disable_and_disclaimer() -> None:
    world = World(seed=1)
    world.set_topic("pricing", False)
    world.set_disclaimer(True)
    answers = ask_all(world, 200)
    assert all(a.status == "disabled" for a in answers if a.question.topic == "pricing")
    assert all(a.text.endswith("support.)") for a in answers if a.served)


def test_rebuild_fixes_a_stale_index() -> None:
    world = World(seed=1)
    fact = next(f for f in world.kb.facts.values() if f.topic == "pricing")
    question = next(q for q in world.kb.golden if q.fact_id == fact.id)
    world.kb.update_fact(fact.id, "$999", at_s=0)
    assert not world.ask(user="u", segment="free", question=question).correct  # the index still has the old price
    world.rebuild_index()
    assert world.ask(user="u", segment="free", question=question).correct


def test_prompt_rollback_restores_the_earlier_prompt() -> None:
    world = World(seed=1)
    v1 = world.prompts.current.text
    world.deploy_prompt("Use your general knowledge. Respond in JSON with keys answer and sources.", message="bad",
                        by="dev")
    assert world.prompts.current.version == "v2"
    world.rollback_prompt()
    assert world.prompts.current.text == v1
    assert [c.kind for c in world.changes.entries] == ["prompt_deploy", "prompt_deploy"]


def test_unknown_controls_say_what_is_allowed() -> None:
    from fake_llm.errors import FakeLLMError

    world = World(seed=1)
    with pytest.raises(FakeLLMError, match="choose one of off, cached"):
        world.set_fallback("pray")
    with pytest.raises(FakeLLMError, match="known: .*pricing"):
        world.set_topic("weather", False)
    with pytest.raises(FakeLLMError, match="unknown model"):
        world.use_model("gpt-9")


@pytest.mark.parametrize(("name", "kind"), [("fd-embed", "embedding"), ("text-embedding-3-small", "embedding"),
                                            ("omni-moderation-latest", "moderation"), ("babbage-002", "completion")])
def test_the_feature_is_routed_only_to_a_chat_model(name: str, kind: str) -> None:
    world = World(seed=1)
    with pytest.raises(FakeLLMError, match=f"'{name}' is a {kind} model: .*route it to a chat model"):
        world.use_model(name)
    assert name not in world.chat_models()
    assert {"fd-large", "fd-small", "gpt-4o", "o4-mini"} <= set(world.chat_models())
    assert world.use_model("fd-small") == "model fd-small"


def test_the_topic_mix_is_configurable() -> None:
    from collections import Counter

    from fake_llm.world.world import WorldConfig

    world = World(WorldConfig(topic_weights=(("pricing", 3.0), ("refunds", 1.0))), seed=1)
    rng = random.Random(4)
    topics = Counter(world.next_request(rng)[2].topic for _ in range(800))
    assert set(topics) == {"pricing", "refunds"} and 2.4 < topics["pricing"] / topics["refunds"] < 3.8


def test_an_unknown_topic_in_the_mix_is_named() -> None:
    from fake_llm.errors import FakeLLMError
    from fake_llm.world.world import WorldConfig

    with pytest.raises(FakeLLMError, match="unknown topics \\['weather'\\]"):
        World(WorldConfig(topic_weights=(("weather", 1.0),)), seed=1)


def test_trace_ids_stay_distinct_after_the_oldest_traces_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    import fake_llm.world.telemetry as telemetry_module

    monkeypatch.setattr(telemetry_module, "MAX_TRACES", 5)
    world = World(seed=3)
    rng = random.Random(0)
    ids = []
    for _ in range(12):
        user, segment, question = world.next_request(rng)
        ids.append(world.ask(user=user, segment=segment, question=question).trace_id)
    assert len(set(ids)) == 12 and list(world.telemetry.traces) == ids[-5:]
