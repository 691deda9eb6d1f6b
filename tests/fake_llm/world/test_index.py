"""The index: a BM25 snapshot that finds the right chunk and stays stale until rebuilt."""

from __future__ import annotations

from fake_llm.world.index import Index
from fake_llm.world.knowledge import KnowledgeBase


def test_the_source_chunk_of_most_golden_questions_is_in_the_top_4() -> None:
    kb = KnowledgeBase(seed=2)
    index = Index.build(kb.chunks(), built_at_s=0)
    hits = sum(q.fact_id in {c.id for c in index.search(q.text, 4)} for q in kb.golden)
    assert hits / len(kb.golden) >= 0.95


def test_rarer_terms_rank_higher_and_ties_are_deterministic() -> None:
    index = Index.build([("a", "d", "refund policy policy", 0), ("b", "d", "shipping policy", 0),
                         ("c", "d", "shipping times", 0)], built_at_s=0)
    assert [c.id for c in index.search("refund policy", 3)] == ["a", "b"]
    assert index.search("unknownword") == []


def test_a_snapshot_keeps_old_text_until_rebuilt() -> None:
    kb = KnowledgeBase(seed=2)
    index = Index.build(kb.chunks(), built_at_s=-10)
    fact = next(f for f in kb.facts.values() if f.topic == "pricing")
    old = fact.sentence
    kb.update_fact(fact.id, "$4321", at_s=5)
    assert index.by_id[fact.id].text == old
    rebuilt = Index.build(kb.chunks(), built_at_s=5)
    assert "$4321" in rebuilt.by_id[fact.id].text and rebuilt.by_id[fact.id].updated_at_s == 5
