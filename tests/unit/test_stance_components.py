"""Stance components: mentions, the shipped model file, aggregation, abstention, calibration
bounds, actor rules (negation, scope, self-stance) and the validators."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from summarizer.schemas import Sentence
from summarizer.stance import (
    DEFAULT_MIN_CONFIDENCE,
    ModelFileError,
    StanceJudgement,
    actor_stances,
    affiliations_of,
    article_stances,
    evidence_problem,
    find_mentions,
    find_spans,
    load_model,
    self_stance,
)
from summarizer.stance.article import SentenceJudgement, aggregate
from summarizer.stance.classifier import MODEL_PATH, default_model
from summarizer.stance.features import mention_features
from summarizer.stance.mentions import name_forms


def sents(*texts: str) -> list[Sentence]:
    return [Sentence(id=i, line=i + 1, text=t) for i, t in enumerate(texts)]


def pairs(judgements: list[StanceJudgement]) -> set[tuple[str, str, str]]:
    return {(j.holder, j.target, j.label) for j in judgements}


# ------------------------------------------------------------------------------ mentions


def test_short_forms_of_person_names() -> None:
    forms = name_forms("Bashar al-Assad")
    assert {"Bashar al-Assad", "al-Assad", "Assad", "Bashar Assad"} <= set(forms)
    assert "Putin" in name_forms("Vladimir Putin")
    assert "Erdogan" in name_forms("President Recep Tayyip Erdogan")


def test_organisation_names_get_initials_not_generic_heads() -> None:
    forms = name_forms("Chinese Communist Party")
    assert "CCP" in forms
    assert "Party" not in forms and "Chinese" not in forms
    assert "States" not in name_forms("United States")


def test_mention_spans_cover_the_name_in_the_original_text() -> None:
    text = "Syria's Assad met Erdoğan; Bashar al-Assad’s aides and Assad's allies waited."
    spans = find_spans(text, "Bashar al-Assad")
    assert [text[a:b] for a, b in spans] == ["Assad", "Bashar al-Assad", "Assad"]
    assert [text[a:b] for a, b in find_spans(text, "Recep Tayyip Erdogan")] == ["Erdoğan"]


def test_capitalised_names_match_case_sensitively_lowercase_names_any_case() -> None:
    assert find_spans("We ate turkey.", "Turkey") == []
    assert find_spans("Turkey objected.", "Turkey") == [(0, 6)]
    text = "Tram line plans stalled; the tram line is late."
    assert len(find_spans(text, "tram line")) == 2


def test_aliases_count_as_mentions() -> None:
    s = sents("The Syrian government denied it.", "Nothing here.")
    assert find_mentions(s, "Bashar al-Assad") == []
    found = find_mentions(s, "Bashar al-Assad", ["Syrian government"])
    assert [(m.sentence_id, m.text) for m in found] == [(0, "Syrian government")]


# ------------------------------------------------------------------------------ model file


def test_shipped_model_loads_and_is_small() -> None:
    model = load_model()
    assert model.lexicon == "vader"
    assert 0.5 < model.temperature < 5
    assert len(model.weights) > 10_000
    assert MODEL_PATH.stat().st_size < 3 * 1024 * 1024


def test_model_file_errors_are_reported(tmp_path: Path) -> None:
    missing = tmp_path / "none.json.gz"
    with pytest.raises(ModelFileError, match="cannot read"):
        load_model(missing)
    bad = tmp_path / "bad.json.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as fh:
        json.dump({"format": 2, "classes": ["a", "b", "c"]}, fh)
    with pytest.raises(ModelFileError, match="format-1"):
        load_model(bad)


def test_classifier_reads_the_words_around_the_mention() -> None:
    model = default_model()
    text = "Critics said Smith's reckless plan was a disaster and a betrayal of voters."
    span = (13, 18)
    probs = model.predict_proba(text, span)
    assert abs(sum(probs.values()) - 1) < 1e-9
    assert probs["negative"] > probs["positive"]
    praise = "Smith won praise for a brilliant, generous plan that delighted voters."
    assert model.predict_proba(praise, (0, 5))["positive"] > 0.5


def test_features_mask_the_target_and_mark_its_position() -> None:
    feats = mention_features("Iran backs Assad.", (11, 16))
    assert "u:assad" not in feats
    assert feats["l1:backs"] == 1.0
    assert "pos:first" not in feats
    assert "pos:first" in mention_features("Assad backs Iran.", (0, 5))


# ------------------------------------------------------------------------------ aggregation


def judgement(
    sid: int, neg: float, neu: float, pos: float, weight: float = 1.0
) -> SentenceJudgement:
    return SentenceJudgement(sid, {"negative": neg, "neutral": neu, "positive": pos}, weight)


def test_aggregation_labels_consistent_evidence() -> None:
    js = [judgement(0, 0.9, 0.05, 0.05), judgement(1, 0.85, 0.1, 0.05), judgement(2, 0.8, 0.1, 0.1)]
    out = aggregate("X", js, min_confidence=0.5)
    assert out.label == "opposed"
    assert out.sentence_id == 0  # the sentence that carries the label best
    assert out.method == "classifier"
    # One neutral pseudo-sentence keeps the mean below the sentence average.
    assert 0.5 < out.confidence < 0.85


def test_aggregation_abstains_to_neutral_below_min_confidence() -> None:
    js = [judgement(i, 0.8, 0.15, 0.05) for i in range(3)]
    assert aggregate("X", js, min_confidence=0.4).label == "opposed"
    abstained = aggregate("X", js, min_confidence=0.9)
    assert abstained.label == "neutral"
    assert abstained.confidence < 0.5  # P(neutral): low, not a confident neutral


def test_quoted_sentences_weigh_less_than_the_article_voice() -> None:
    quoted = [judgement(0, 0.95, 0.03, 0.02, weight=0.25), judgement(1, 0.95, 0.03, 0.02, 0.25)]
    assert aggregate("X", quoted, min_confidence=0.6).label == "neutral"
    own = [judgement(0, 0.95, 0.03, 0.02), judgement(1, 0.95, 0.03, 0.02)]
    assert aggregate("X", own, min_confidence=0.6).label == "opposed"


def test_mixed_needs_confident_sentences_on_both_sides() -> None:
    js = [judgement(i, 0.9, 0.05, 0.05) for i in (0, 1)]
    js += [judgement(i, 0.05, 0.05, 0.9) for i in (2, 3)]
    assert aggregate("X", js, min_confidence=0.6).label == "mixed"
    # One sentence each side is not enough against the neutral prior.
    assert aggregate("X", [js[0], js[2]], min_confidence=0.6).label == "neutral"
    vague = [judgement(i, 0.35, 0.3, 0.35) for i in range(6)]
    assert aggregate("X", vague, min_confidence=0.6).label == "neutral"


def test_confidence_stays_within_bounds() -> None:
    for js in (
        [judgement(0, 1.0, 0.0, 0.0)] * 5,
        [judgement(0, 0.0, 1.0, 0.0)],
        [judgement(0, 0.5, 0.0, 0.5), judgement(1, 0.5, 0.0, 0.5)],
    ):
        for level in (0.0, 0.6, 1.0):
            out = aggregate("X", js, min_confidence=level)
            assert 0.0 <= out.confidence <= 1.0


def test_article_stances_keep_order_and_mark_unmentioned_targets() -> None:
    s = sents("Assad met Putin in Moscow.", "The pair last met in 2023.")
    out = article_stances(s, ["Hezbollah", "Vladimir Putin"])
    assert [j.target for j in out] == ["Hezbollah", "Vladimir Putin"]
    assert out[0].label == "not_mentioned" and out[0].sentence_id is None
    assert out[0].method == "rules" and out[0].confidence == 0.9
    assert out[1].holder == "article" and out[1].sentence_id == 0
    assert DEFAULT_MIN_CONFIDENCE == 0.6


def test_lexicon_method_is_the_vader_floor() -> None:
    s = sents("Smith's wonderful, brilliant plan delighted everyone.")
    (out,) = article_stances(s, ["Smith"], method="lexicon")
    assert (out.label, out.method) == ("supportive", "lexicon")
    with pytest.raises(ValueError, match="unknown stance method"):
        article_stances(s, ["Smith"], method="llm")


def test_judgement_rejects_bad_labels_and_confidence() -> None:
    with pytest.raises(ValueError, match="label"):
        StanceJudgement("a", "b", "positive", 0.5, "rules", 0)
    with pytest.raises(ValueError, match="confidence"):
        StanceJudgement("a", "b", "neutral", 1.5, "rules", 0)


# ------------------------------------------------------------------------------ actor rules


def test_verb_noun_passive_and_relation_constructions() -> None:
    s = sents(
        "The Brookmere Consumer Forum opposed the increase.",
        "Iran's support for Assad mirrors that of Russia.",
        "The call comes after opposition fighters, supported by Turkey, launched an offensive.",
        "Putin and Assad have long been allies.",
        "Russia, a key ally of Assad, reaffirmed its support for the Syrian government.",
    )
    found = pairs(actor_stances(s, limit=20))
    assert ("Brookmere Consumer Forum", "increase", "opposed") in found
    assert ("Iran", "Assad", "supportive") in found
    assert ("Turkey", "opposition fighters", "supportive") in found
    assert {("Putin", "Assad", "supportive"), ("Assad", "Putin", "supportive")} <= found
    assert ("Russia", "Syrian government", "supportive") in found


def test_negated_predicates_give_no_stance() -> None:
    s = sents(
        "Germany did not condemn the Syrian government.",
        "France refused to back the Syrian government.",
        "Italy could support the Syrian government.",
    )
    assert actor_stances(s) == []


def test_scope_keeps_the_stance_off_the_embedded_target() -> None:
    s = sents(
        "Pezeshkian expressed Iran's strong opposition to any efforts undermining Syria's "
        "sovereignty and stability.",
        "Turkey has called for immediate reconciliation between Assad's government and the "
        "opposition.",
    )
    assert actor_stances(s) == []


def test_seed_sentences_give_no_self_stance() -> None:
    s = sents(
        "Syrian President Bashar al-Assad and Iranian President Masoud Pezeshkian held a call.",
        "The Iranian president also pledged Tehran’s full support to Damascus in its fight.",
        "Iran’s Foreign Ministry spokesperson issued a statement.",
    )
    for j in actor_stances(s, limit=20):
        assert not self_stance(j.holder, j.target)
        assert {j.holder, j.target} != {"Iran", "Iran's Foreign Ministry"}
    assert ("Iranian president", "Damascus", "supportive") in pairs(actor_stances(s))


def test_both_polarities_for_one_pair_become_mixed() -> None:
    s = sents("Erdogan backed the Syrian rebels.", "Later Erdogan condemned the Syrian rebels.")
    (only,) = actor_stances(s)
    assert (only.holder, only.target, only.label) == ("Erdogan", "Syrian rebels", "mixed")


def test_actor_stances_respect_min_confidence_and_limit() -> None:
    s = sents("Iran backs Hezbollah.", "Russia backs Assad.", "Turkey backs the rebels.")
    assert len(actor_stances(s, limit=2)) == 2
    assert all(j.method == "rules" for j in actor_stances(s))
    assert actor_stances(s, min_confidence=0.99) == []


# ------------------------------------------------------------------------------ validators


def test_self_stance() -> None:
    assert self_stance("Iran", "Iran's Foreign Ministry")
    assert self_stance("Iranian President", "Iran")
    assert self_stance("Iran", "Tehran")
    assert self_stance("Bashar al-Assad", "Assad's")
    assert not self_stance("Iran", "Bashar al-Assad")
    assert not self_stance("Syria", "Assad")  # a country toward its leader needs wording only
    s = sents("Iranian President Masoud Pezeshkian spoke to Assad.")
    affiliations = affiliations_of(s)
    assert self_stance("Pezeshkian", "Iran", affiliations)
    assert not self_stance("Pezeshkian", "Iran")
    assert not self_stance("Pezeshkian", "Syria", affiliations)


def test_institutions_of_different_owners_are_different_actors() -> None:
    # Keyed by the head noun alone, both armies were one actor and the stance was dropped
    # as a self-stance.
    assert not self_stance("the Russian army", "the Syrian army")
    assert not self_stance("Iraqi government", "Syrian government")
    assert self_stance("Iran", "the Iranian government")
    s = sents("The Russian army backed the Syrian army in Aleppo.")
    assert pairs(actor_stances(s)) == {("Russian army", "Syrian army", "supportive")}


def test_a_ruling_body_and_its_owner_are_one_pair() -> None:
    # "Assad's regime" is Assad: one stance of Iran toward him, not two.
    s = sents(
        "Iran has been the main backer of Assad's regime since 2011.",
        "Iran strongly supports Assad, its officials said on Monday.",
    )
    found = actor_stances(s)
    assert [(j.holder, j.label) for j in found] == [("Iran", "supportive")]
    assert found[0].target in {"Assad's regime", "Assad"}


def test_evidence_problem_reasons() -> None:
    good = "Iran and Russia have been the main supporters of Assad's regime."
    assert evidence_problem("Iran", "Bashar al-Assad", good) is None
    assert evidence_problem("Tehran", "Bashar al-Assad", good) is None  # a capital stands in
    missing = evidence_problem("Turkey", "Assad", good)
    assert missing is not None and "holder" in missing
    scoped = evidence_problem(
        "Pezeshkian",
        "Syria",
        "Pezeshkian expressed Iran's strong opposition to any efforts undermining Syria's unity.",
        label="opposed",
    )
    assert scoped is not None and "undermining" in scoped
    negated = evidence_problem(
        "Germany", "Assad", "Germany did not condemn Assad.", label="opposed"
    )
    assert negated is not None and "negated" in negated
    own = evidence_problem("Iran", "Iran Foreign Ministry", "Iran thanked its Foreign Ministry.")
    assert own is not None and "itself" in own


def test_title_case_names_and_phrasal_back_are_not_predicates() -> None:
    s = sents(
        "He won the Academy Award for Best Supporting Actor for his portrayal of a doctor.",
        "If Democrats take back the house, the party will gain.",
    )
    assert actor_stances(s) == []
    headline = sents("Gary Cohn Criticizes Donald Trump's Response to Charlottesville Protests")
    assert ("Gary Cohn", "Donald Trump's Response", "opposed") in pairs(actor_stances(headline))


def test_blame_on_targets_who_is_blamed_and_descriptors_are_dropped() -> None:
    s = sents(
        "Hekmatyar reportedly blamed the ongoing violence plaguing Afghanistan on the Ghani "
        "administration.",
        "On Friday the international group Human Rights Watch accused the Syrian government of "
        "executions.",
    )
    found = pairs(actor_stances(s))
    assert ("Hekmatyar", "Ghani administration", "opposed") in found
    assert ("Human Rights Watch", "Syrian government", "opposed") in found
