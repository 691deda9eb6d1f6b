"""The knowledge base: a seeded fictional company whose facts define the golden answers."""

from __future__ import annotations

from collections import Counter

from fake_llm.world.knowledge import TOPICS, KnowledgeBase


def test_same_seed_same_company_facts_and_golden_set() -> None:
    a, b = KnowledgeBase(seed=5), KnowledgeBase(seed=5)
    assert a.company == b.company and a.chunks() == b.chunks()
    assert [q.text for q in a.golden] == [q.text for q in b.golden]
    assert KnowledgeBase(seed=6).chunks() != a.chunks()


def test_every_topic_has_golden_questions_with_several_phrasings() -> None:
    kb = KnowledgeBase(seed=1)
    assert set(Counter(q.topic for q in kb.golden)) == set(TOPICS)
    per_fact = Counter(q.fact_id for q in kb.golden)
    assert min(per_fact.values()) >= 2


def test_each_golden_key_is_written_in_its_source_document() -> None:
    kb = KnowledgeBase(seed=1)
    texts = {cid: text for cid, _, text, _ in kb.chunks()}
    for q in kb.golden:
        key = kb.expected(q)
        assert key is not None and key in texts[q.fact_id]


def test_the_size_is_configurable() -> None:
    assert len(KnowledgeBase(seed=1, target_chunks=120).chunks()) == 120
    assert len(KnowledgeBase(seed=1, target_chunks=600).chunks()) == 600


def test_updating_a_fact_moves_the_truth_and_versions_its_document() -> None:
    kb = KnowledgeBase(seed=1)
    q = next(q for q in kb.golden if q.topic == "pricing")
    assert q.fact_id is not None
    doc = kb.documents[kb.facts[q.fact_id].doc_id]
    kb.update_fact(q.fact_id, "$1234", at_s=30.0)
    assert kb.expected(q) == "$1234" and doc.version == 2 and doc.updated_at_s == 30.0
