"""Chatbot artifacts: text a language model wrote about itself or its task and that was
pasted into the page ("As an AI language model", "Certainly! Here is...", "I cannot
complete this prompt").

A line that starts with or mostly is such text is removed (critical: the page was generated
and not checked). When the phrase is quoted or reported ("the bot replied 'As an AI
language model...'"), it is the article's subject, so it is kept with an info flag.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, excerpt, quoted

_ARTIFACT = re.compile(
    r"\bas an ai(?: language)? (?:model|assistant|chatbot)\b|"
    r"\bas a (?:large )?language model\b|"
    r"\bi(?:'m| am) (?:just )?an ai(?: language model| assistant| chatbot)?\b|"
    r"\bi (?:cannot|can't|can ?not|am unable to|'m unable to) (?:complete|fulfill|fulfil|"
    r"assist with|help with|comply with|generate|provide|write) (?:this|that|your|the) "
    r"(?:prompt|request|task)\b|"
    r"^(?:certainly|sure|absolutely|of course)[!,.] (?:here(?:'s| is| are)|below is|i(?:'d| would) "
    r"be happy)\b|"
    r"^here(?:'s| is) (?:a|an|the|your) (?:\d+[- ]word |rewritten |revised |seo[- ]optimi[sz]ed |"
    r"updated |unique |new )?(?:article|blog post|version|rewrite|summary|draft)\b|"
    r"\b(?:my|the) knowledge cut-?off\b|\bas of my last (?:knowledge )?update\b|"
    r"\bi (?:do not|don't) have (?:access to )?real-time (?:information|data|access)\b|"
    r"\bregenerate response\b|\bis there anything else i can help\b|"
    # Sign-offs of an assistant answering a request: "I hope this helps! Let me know if
    # you'd like me to make it shorter" (the offer to revise is what gives it away).
    r"^i hope (?:this|that|it) helps\b.{0,80}\b"
    r"(?:let me know|feel free|if you(?:'d| would) like)\b|"
    r"\b(?:let me know|tell me) if you(?:'d| would) like me to (?:make|write|add|change|revise|"
    r"shorten|expand|adjust|rewrite|include|tweak)\b|"
    r"\bwould you like me to (?:make|write|add|change|revise|shorten|expand|adjust|rewrite)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"\b(?:said|says|replied|responded|answered|wrote|writes|told|typed|returned|generated|"
    r"produced|output|according to|reads?|read:|the (?:bot|chatbot|model|ai|assistant)|chatgpt|"
    r"gpt-?\d|gemini|copilot|claude|bard)\b",
    re.IGNORECASE,
)
# Substrings one of which every match contains: lines without any are not searched.
_KEYS = (
    "as an ai", "language model", "an ai", "i cannot", "i can't", "i can not", "unable to",
    "certainly", "sure", "absolutely", "of course", "here's", "here is", "cut-off", "cutoff",
    "last update", "knowledge update", "real-time", "regenerate", "anything else i can",
    "i hope", "let me know", "tell me if", "would you like me",
)  # fmt: skip
# Above this length a line with an artifact in its middle may be prose that discusses it.
_MAX_REMOVE_WORDS = 60


def detect(page: Page) -> list[Finding]:
    """Critical removing findings for chatbot text; info for quoted or reported mentions."""
    out: list[Finding] = []
    for i, s, m in page.first_matches(_KEYS, _ARTIFACT):
        reported = quoted(s, m.start()) or (m.start() > 0 and bool(_REPORTING.search(s)))
        if reported or (m.start() > 0 and page.n_words[i] > _MAX_REMOVE_WORDS):
            out.append(
                Finding(
                    FlagKind.chatbot_artifact,
                    Severity.info,
                    i + 1,
                    i + 1,
                    "chatbot phrase quoted or discussed inside article prose; kept",
                    removed=False,
                    evidence=excerpt(s, m.start(), m.end()),
                )
            )
            continue
        out.append(
            Finding(
                FlagKind.chatbot_artifact,
                Severity.critical,
                i + 1,
                i + 1,
                "text written by a chatbot about itself or its task, pasted into the page: "
                "the page was generated and not checked",
                removed=True,
            )
        )
    return out
