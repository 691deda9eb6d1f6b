"""traffic_shift: a new segment, locale or question mix takes over a share of traffic."""

from __future__ import annotations

from collections import Counter

from tests.chaos.faults.world_support import baseline, quality, run


def test_segment_and_topic_mix_move() -> None:
    _, answers = run("traffic_shift", {"segment": "enterprise", "topics": ["security"], "share": 0.5})
    segments, topics = Counter(a.segment for a in answers), Counter(a.question.topic for a in answers)
    base_segments = Counter(a.segment for a in baseline()[1])
    assert segments["enterprise"] > 0.4 * len(answers) > base_segments["enterprise"]
    assert topics["security"] > 0.4 * len(answers)


def test_quality_stays_because_the_knowledge_base_covers_the_shifted_mix() -> None:
    _, answers = run("traffic_shift", {"segment": "enterprise", "topics": ["security"], "share": 0.5})
    assert quality(answers) >= 0.95


def test_a_described_shift_is_a_traffic_change_in_the_log() -> None:
    world, _ = run("traffic_shift", {"summary": "marketing campaign to enterprise", "change_id": "CHG-5"}, n=1)
    assert (world.changes.entries[-1].id, world.changes.entries[-1].kind) == ("CHG-5", "traffic")
