"""Caches are bounded by bytes, so memory given to big requests comes back: the model's memoised
replies, the memoised terms of texts, and the provider's count of requests it has seen; and what
one request alone brings (a new question, an order id) is not kept at all."""

from __future__ import annotations

import json

import pytest

from fake_llm import Provider, model
from fake_llm.context import _TERMS, stem, terms
from fake_llm.hooks import Flavour
from fake_llm.memo import ByteBudgetLRU, new_request
from fake_llm.model import _REPLIES
from fake_llm.provider import SEEN_KEPT
from fake_llm.tokens import _COUNTS

AUTH = {"authorization": "Bearer sk-test"}


def _chat(provider: Provider, content: str) -> int:
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]}).encode()
    return provider.handle(Flavour.OPENAI, "/v1/chat/completions", AUTH, body).status


def test_the_least_recently_used_entries_go_first_once_the_budget_is_passed() -> None:
    cache: ByteBudgetLRU[str, str] = ByteBudgetLRU(3_000, max_entry_bytes=3_000)
    for key in "abc":
        cache.put(key, key, 600)  # 800 bytes each with the entry overhead
    assert cache.get("a") == "a"  # a is now the most recently used
    cache.put("d", "d", 600)
    assert "b" not in cache
    assert all(k in cache for k in "acd")
    assert cache.bytes <= 3_000


def test_an_entry_heavier_than_the_entry_limit_is_not_kept() -> None:
    cache: ByteBudgetLRU[str, str] = ByteBudgetLRU(10_000, max_entry_bytes=1_000)
    assert cache.put("small", "x", 10)
    assert not cache.put("huge", "x" * 5_000, 5_000)
    assert "huge" not in cache
    assert "small" in cache


def test_distinct_big_prompts_are_answered_but_not_kept_in_the_model_memo() -> None:
    provider = Provider()
    before = _REPLIES.bytes
    for i in range(5):
        assert _chat(provider, f"Question {i}: " + "lorem ipsum dolor sit amet " * 11_000) == 200
    assert _REPLIES.bytes - before < 16 * 1024  # 300 KB each, none of it kept


def test_the_model_memo_stays_within_its_budget_under_many_distinct_chats() -> None:
    provider = Provider()
    for i in range(300):
        _chat(provider, f"How much does plan {i} cost? " + "context words " * 400)
    assert _REPLIES.bytes <= _REPLIES.max_bytes


def test_a_repeated_question_is_answered_from_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    worked_out = []
    real = model._generate
    monkeypatch.setattr(model, "_generate", lambda *args: worked_out.append(1) or real(*args))
    provider = Provider()
    for _ in range(3):
        _chat(provider, "What are the support hours on weekends, asked three times?")
    assert len(worked_out) == 2  # kept the second time it is asked, answered from the memo the third


def test_a_question_asked_once_is_not_kept() -> None:
    cache: ByteBudgetLRU[str, str] = ByteBudgetLRU(10_000, admit_on_second=True)
    assert not cache.put("once", "x", 10)
    assert "once" not in cache
    assert cache.put("once", "x", 10)  # its second time
    assert cache.get("once") == "x"


def test_long_texts_are_not_memoised_as_terms() -> None:
    long_text = "stale index rebuild " * 5_000
    for _ in range(2):  # kept from the second time a text is seen
        assert terms(long_text)[:3] == terms("stale index rebuild")
    assert long_text not in _TERMS
    assert "stale index rebuild" in _TERMS


def test_the_count_of_requests_seen_is_kept_for_a_bounded_number_of_distinct_requests() -> None:
    provider = Provider()
    for i in range(SEEN_KEPT + 10):
        provider._request_key(f"body {i}".encode(), 0)
    assert len(provider._seen) == SEEN_KEPT
    assert provider._request_key(b"body again", 0).endswith("#1r0")
    assert provider._request_key(b"body again", 0).endswith("#2r0")
    assert provider._request_key(b"body again", 1).endswith("#2r1")  # a retry is the same request


def test_a_key_put_twice_within_one_request_has_not_come_back() -> None:
    cache: ByteBudgetLRU[str, str] = ByteBudgetLRU(10_000, admit_on_second=True)
    new_request()
    assert not cache.put("new question", "x", 10)
    assert not cache.put("new question", "x", 10)  # counted again by the same request
    new_request()
    assert cache.put("new question", "x", 10)  # a later request asks it again: kept


def test_one_off_chats_leave_nothing_in_the_memos_of_terms_and_token_counts() -> None:
    provider = Provider()
    for i in range(3):  # what every chat shares (the system prompt) is kept from its second request
        _chat_with_system(provider, f"Customer {i} asks about refunds after 30 days: what do we say?")
    terms_before, counts_before, words_before = len(_TERMS), len(_COUNTS), stem.cache_info().currsize
    for i in range(3, 40):
        assert _chat_with_system(provider, f"Customer {i} asks where order A-{i} is: what do we say?") == 200
    assert (len(_TERMS), len(_COUNTS)) == (terms_before, counts_before)
    assert stem.cache_info().currsize - words_before <= 2  # "where" and "is" at most, never an order id


def _chat_with_system(provider: Provider, question: str) -> int:
    system = "Answer from the context. [doc:kb-1] Refunds are accepted within 30 days of purchase, by email."
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "system", "content": system},
                                                            {"role": "user", "content": question}]}).encode()
    return provider.handle(Flavour.OPENAI, "/v1/chat/completions", AUTH, body).status
