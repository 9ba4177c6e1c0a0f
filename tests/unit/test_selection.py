"""Content selection: choice rules, excluded ids, short articles, the shipped model file."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from summarizer.schemas import Sentence
from summarizer.selection import (
    FEATURE_NAMES,
    Candidate,
    LeadScorer,
    LinearModel,
    LinearScorer,
    Selection,
    article_features,
    default_scorer,
    is_weak,
    load_model,
    near_duplicate,
    select,
)
from summarizer.selection.features import _most_repeated

# A made-up wire story: the lead states the news, later sentences add detail, one repeats the
# lead as a photo caption would, one is a question to the reader.
STORY = [
    "The Harbour Council approved a new ferry terminal for Kelby on Tuesday after a two-year "
    "planning fight.",
    "The terminal will cost 48 million pounds and open in 2027, the council said.",
    "Councillors voted nine to four in favour after a debate that lasted five hours.",
    "Residents of the old quay had objected to the noise of the night crossings.",
    "The Harbour Council approved the new Kelby ferry terminal on Tuesday.",
    "Have you ever waited two hours for a ferry in the rain?",
    "The operator, Westline, said it would add two sailings a day once the terminal opens.",
    "Traders on the quay welcomed the decision.",
    "A judicial review is still possible within six weeks, lawyers for the residents said.",
    "The old terminal, built in 1962, will be demolished.",
    "Work on the site is due to start in the spring.",
    "The council also agreed to fund a study of a second slipway.",
]


def sentences(texts: list[str]) -> list[Sentence]:
    return [Sentence(id=i, line=i + 1, text=t) for i, t in enumerate(texts)]


def word_count(sel: Selection, sents: list[Sentence]) -> int:
    return sum(len(sents[i].text.split()) for i in sel.summary_ids)


def test_key_points_are_in_score_order_and_summary_in_article_order() -> None:
    sents = sentences(STORY)
    sel = select(sents)
    scores = [p.score for p in sel.key_points]
    assert scores == sorted(scores, reverse=True)
    assert sel.summary_ids == sorted(sel.summary_ids)
    assert 2 <= len(sel.summary_ids) <= 4
    assert 3 <= len(sel.key_points) <= 6
    assert sel.method == "ranker"
    assert all(0.0 <= p.score <= 1.0 for p in sel.key_points)


def test_lead_is_a_key_point_and_opens_the_summary() -> None:
    sel = select(sentences(STORY))
    assert 0 in [p.id for p in sel.key_points]
    assert sel.summary_ids[0] == 0


def test_summary_respects_the_word_budget() -> None:
    sents = sentences(STORY)
    for budget in (40, 60, 75):
        sel = select(sents, word_budget=budget)
        assert word_count(sel, sents) <= budget
        assert len(sel.summary_ids) >= 2


def test_summary_keeps_two_sentences_when_none_fit_the_budget() -> None:
    sents = sentences(STORY)
    sel = select(sents, word_budget=5)
    assert len(sel.summary_ids) == 2
    assert word_count(sel, sents) > 5


def test_caption_repeating_the_lead_is_dropped_as_a_near_duplicate() -> None:
    sents = sentences(STORY)
    sel = select(sents)
    chosen_points = {p.id for p in sel.key_points}
    assert not {0, 4} <= chosen_points
    assert not {0, 4} <= set(sel.summary_ids)


def test_near_duplicate_compares_against_the_smaller_set() -> None:
    lead = {"council", "approv", "ferry", "termin", "kelby", "tuesday", "plann", "fight"}
    caption = {"council", "approv", "ferry", "termin", "kelby", "tuesday"}
    other = {"trader", "quay", "welcom", "decision"}
    assert near_duplicate(lead, caption)
    assert not near_duplicate(lead, other)
    assert not near_duplicate(set(), lead)


def test_question_to_the_reader_is_not_chosen_when_prose_is_left() -> None:
    sel = select(sentences(STORY), max_points=6)
    assert 5 not in {p.id for p in sel.key_points}
    assert 5 not in sel.summary_ids


@dataclass(frozen=True)
class FixedScores:
    """A scorer with scores set by the test."""

    scores: tuple[float, ...]
    name: str = "fixed"

    def score(self, candidates: Sequence[Candidate], title: str | None) -> list[float]:
        return [self.scores[c.id] for c in candidates]


def test_weak_candidates_rank_after_prose_whatever_their_score() -> None:
    scores = tuple(0.99 if i == 5 else 0.5 - i / 100 for i in range(len(STORY)))
    sel = select(sentences(STORY), scorer=FixedScores(scores))
    assert 5 not in {p.id for p in sel.key_points}
    assert 5 not in sel.summary_ids


def test_summary_adds_no_weak_sentence_after_prose() -> None:
    texts = [STORY[0], STORY[1], "Is this the end of the old quay?", "What happens next?"]
    sel = select(sentences(texts), word_budget=200)
    assert sel.summary_ids == [0, 1]
    assert len(sel.key_points) == 3  # the minimum, reached with a weak candidate


@pytest.mark.parametrize("excluded", [{0}, {0, 1, 2}, {1, 4, 6, 8}, set(range(1, 12))])
def test_excluded_ids_are_never_chosen(excluded: set[int]) -> None:
    sel = select(sentences(STORY), excluded=excluded)
    chosen = {p.id for p in sel.key_points} | set(sel.summary_ids)
    assert chosen
    assert not chosen & excluded


def test_everything_excluded_gives_an_empty_selection() -> None:
    sel = select(sentences(STORY), excluded=range(len(STORY)))
    assert sel.key_points == []
    assert sel.summary_ids == []


def test_excluding_the_lead_makes_the_next_prose_sentence_the_lead() -> None:
    sents = sentences(STORY)
    sel = select(sents, excluded={0})
    assert 1 in {p.id for p in sel.key_points}


def test_one_and_two_sentence_articles() -> None:
    one = select(sentences(["The bridge reopened on Monday after repairs."]))
    assert [p.id for p in one.key_points] == [0]
    assert one.summary_ids == [0]
    two = select(sentences(STORY[:2]))
    assert sorted(p.id for p in two.key_points) == [0, 1]
    assert two.summary_ids == [0, 1]


def test_key_points_grow_with_the_article_up_to_max_points() -> None:
    # 11 sentences of prose (one is a question): ceil(11 / 3) = 4 key points.
    assert len(select(sentences(STORY)).key_points) == 4
    assert len(select(sentences(STORY[:7])).key_points) == 3, "never fewer than 3"
    # Twice as long (a second town's story, 22 sentences of prose): up to max_points.
    other = [t.replace("Kelby", "Orrin").replace("Harbour", "River") for t in STORY]
    doubled = sentences(STORY + other)
    assert len(select(doubled, max_points=6).key_points) == 6
    assert len(select(doubled, max_points=4).key_points) == 4


def test_title_line_at_the_top_does_not_demote_the_lead() -> None:
    texts = ["Kelby gets its ferry terminal", *STORY]
    rows = article_features([Candidate(i, t) for i, t in enumerate(texts)])
    assert is_weak(texts[0])
    assert rows[1]["lead"] == 1.0
    assert rows[2]["second"] == 1.0


def test_weak_candidates() -> None:
    assert is_weak("Have you ever waited for a ferry?")
    assert is_weak("Kelby gets its ferry terminal")  # a heading: no closing punctuation
    assert is_weak("By . Daily Mail Reporter .")
    assert is_weak("It was good.")  # fewer than 5 words
    assert not is_weak("The terminal will cost 48 million pounds and open in 2027.")
    assert not is_weak("“We are delighted,” the operator said.")


def test_repeated_word_ties_do_not_depend_on_set_order() -> None:
    counts = Counter({"zeta": 2, "alpha": 2, "mid": 3, "once": 1})
    assert _most_repeated(counts, 2) == {"mid", "alpha"}
    assert _most_repeated(counts, 5) == {"mid", "alpha", "zeta"}


def test_lead_scorer_takes_sentences_in_article_order() -> None:
    sel = select(sentences(STORY), scorer=LeadScorer(), word_budget=200)
    assert sel.method == "lead"
    assert [p.id for p in sel.key_points] == [0, 1, 2, 3]


def test_shipped_model_file_loads_and_scores() -> None:
    model = load_model()
    assert set(model.features) <= set(FEATURE_NAMES)
    assert model.meta["stories"] == 150
    assert "out_of_fold" in model.meta["cv"]
    scores = default_scorer().score([Candidate(i, t) for i, t in enumerate(STORY)], None)
    assert len(scores) == len(STORY)
    assert all(0.0 < s < 1.0 for s in scores)
    # Position matters: the lead outscores the same-length sentence late in the story.
    assert scores[0] > scores[11]


def test_model_round_trips_and_rejects_bad_files() -> None:
    model = load_model()
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again == model
    with pytest.raises(ValueError, match="format"):
        LinearModel.from_dict({**model.to_dict(), "format": "other/1"})
    with pytest.raises(ValueError, match="inconsistent"):
        LinearModel.from_dict({**model.to_dict(), "coef": list(model.coef)[:-1]})
    with pytest.raises(ValueError, match="does not compute"):
        LinearModel.from_dict({**model.to_dict(), "features": ["nope", *model.features[1:]]})


def test_linear_scorer_is_a_logistic_of_standardised_features() -> None:
    model = LinearModel(features=("lead",), mean=(0.5,), scale=(0.5,), coef=(2.0,), intercept=-1.0)
    scores = LinearScorer(model).score([Candidate(0, STORY[0]), Candidate(1, STORY[1])], None)
    # lead: z = -1 + 2 * (1 - 0.5) / 0.5 = 1; second: z = -1 + 2 * (0 - 0.5) / 0.5 = -3
    assert scores[0] == pytest.approx(1 / (1 + 2.718281828459045**-1))
    assert scores[1] == pytest.approx(1 / (1 + 2.718281828459045**3))
