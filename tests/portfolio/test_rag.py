from hypothesis import given
from hypothesis import strategies as st

from portfolio.rag import RAG, honesty_problems

counts = st.integers(min_value=0, max_value=50)


@given(st.sampled_from(list(RAG)), counts, counts)
def test_only_green_or_amber_green_can_be_dishonest(rating, overdue, severe):
    problems = honesty_problems(rating, overdue_milestones=overdue, severe_open_raid=severe)
    if rating in (RAG.GREEN, RAG.AMBER_GREEN):
        assert bool(problems) == bool(overdue or severe)
    else:
        assert problems == []


@given(st.sampled_from([RAG.GREEN, RAG.AMBER_GREEN]), counts, counts)
def test_each_kind_of_problem_is_named_once(rating, overdue, severe):
    problems = honesty_problems(rating, overdue_milestones=overdue, severe_open_raid=severe)
    assert len(problems) == (overdue > 0) + (severe > 0)
