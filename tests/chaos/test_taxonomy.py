"""The runbook's decision tree, written down once, is complete and consistent."""

from chaos.taxonomy import DECISION_TREE, Action, Cause, Row, Symptom, action_key


def test_every_row_of_the_runbook_decision_tree_is_present() -> None:
    runbook_rows = {
        Row.WRONG_CONSISTENT, Row.WRONG_RANDOM, Row.STALE, Row.REFUSALS,
        Row.LATENCY, Row.ERRORS, Row.HALLUCINATIONS,
    }
    assert runbook_rows <= set(DECISION_TREE)
    assert set(DECISION_TREE) == set(Row)


def test_each_row_names_its_symptom_causes_and_a_first_step() -> None:
    for row, entry in DECISION_TREE.items():
        assert entry.row is row
        assert isinstance(entry.symptom, Symptom)
        assert entry.likely_causes and all(isinstance(c, Cause) for c in entry.likely_causes)
        assert entry.first_step


def test_wrong_answers_rows_split_prompt_or_model_from_retrieval() -> None:
    assert DECISION_TREE[Row.WRONG_CONSISTENT].likely_causes == (Cause.PROMPT, Cause.MODEL)
    assert DECISION_TREE[Row.WRONG_RANDOM].likely_causes == (Cause.RETRIEVAL,)


def test_action_keys_join_name_and_argument() -> None:
    assert action_key(Action.FALLBACK, "cached") == "fallback:cached"
    assert action_key("index-rebuild") == "index-rebuild"
