"""Prompt injection: text addressed to an AI system reading the page ("ignore previous
instructions", "you are now...", chat-template markers, "AI models must...").

An injection is removed from the clean text (critical), so it never reaches the model's
instructions or the text it is asked to analyse. An article that *reports* such a phrase
("researchers typed 'ignore previous instructions'") keeps the line with an info flag: the
phrase is then quoted, or sits in a sentence with a reporting verb and does not open it.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, excerpt, quoted

_INJECTION = re.compile(
    # The qualifier (previous / prior / above / your ...) is required: "drivers ignore the
    # rules" is prose, "ignore the previous instructions" is not.
    r"\b(?:ignore|disregard|forget|override|bypass) (?:all |any )?(?:of )?"
    r"(?:the |your |these |my )?"
    r"(?:previous|prior|above|earlier|preceding|original|system|initial|former)(?: \w+)? "
    r"(?:instructions?|prompts?|directions|rules|guidelines|directives|commands)\b|"
    r"\b(?:ignore|disregard|forget) (?:all|any) (?:of )?(?:your |the )?(?:instructions|prompts)\b|"
    r"\b(?:ignore|disregard|forget) your (?:instructions|programming|guidelines|system prompt)\b|"
    r"\byou are now (?:a |an |the )?(?:\w+ ){0,2}"
    r"(?:ai|assistant|language model|chatbot|gpt|llm|dan|"
    r"summari[sz]er)\b|"
    r"\byou are now (?:in )?(?:developer|dan|god|jailbreak|unrestricted|unfiltered) mode\b|"
    r"\byou are now (?:jailbroken|unrestricted|unfiltered|free from)\b|"
    r"\bnew (?:system )?instructions?\s*:|\bsystem prompt\s*:|"
    r"<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[/?INST\]|<</?SYS>>|"
    r"^#{2,4} ?(?:instruction|system|response)s?\s*:?$|"
    r"\bif you(?: are|'re) (?:an? )?(?:ai|llm|large language model|language model|chatbot|"
    r"assistant|gpt|summari[sz]er)\b|"
    r"\b(?:note|attention|message) (?:to|for) (?:the |any )?(?:ai|llm|language models?|"
    r"chatbots?|ai assistants?|summari[sz]ers?|gpt)\b|"
    r"\b(?:ai|llm|language model|chatbot|assistant|summari[sz]er|model)s? "
    r"(?:reading|summari[sz]ing|"
    r"processing|analy[sz]ing|parsing) this (?:article|text|page|content|document)\b|"
    r"\b(?:do not|don't) (?:summari[sz]e|analy[sz]e|flag|reveal) (?:this|the) "
    r"(?:article|text|page|content|instructions?)\b|"
    r"^\[(?:system|sys|admin|developer|assistant|instructions?)\]|"
    r"^(?:system|assistant|admin|developer)\s*:\s*(?:rate|label|classify|summari[sz]e|ignore|"
    r"say|write|output|give|mark|score)\b|"
    r"\b(?:rate|score) this (?:article|text|page|story|content) \d{1,3} ?(?:/|out of) ?\d{1,3}\b|"
    r"\brespond only with\b|\bpretend (?:to be|you are) (?:an? )?(?:ai|assistant|"
    r"unrestricted)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"\b(?:said|says|told|wrote|writes|reported|reports|according to|typed|entered|asked|"
    r"instructed|prompted|tricked|showed|shown|demonstrated|found|phrases?|commands?|"
    r"such as|jailbreaks?|attacks?|attackers?|researchers?|hackers?|injections?|known as|"
    r"so-called|called)\b",
    re.IGNORECASE,
)
# Substrings one of which every match contains: lines without any are not searched.
_KEYS = (
    "ignore", "disregard", "forget", "override", "bypass", "you are now", "instruction",
    "instructions", "system prompt", "<|", "inst]", "<<sys", "<</sys", "##", "if you are",
    "if you're", "note to", "note for", "attention", "message to", "message for",
    "reading this", "summarizing this", "summarising this", "processing this",
    "analyzing this", "analysing this", "parsing this", "summarize", "summarise", "analyze",
    "analyse", "flag", "reveal", "respond only", "pretend", "[system]", "[sys]", "[admin]",
    "[developer]", "[assistant]", "[instruction", "system:", "assistant:", "admin:",
    "developer:", "rate this", "score this",
)  # fmt: skip
_SENTENCE_START = re.compile(r"[.!?]\s+")
# Words that may open an imperative sentence before the injected command itself.
_OPENERS = re.compile(
    r"^(?:please|now|important|note|ok|okay|also|and|then|first|attention)\b[\s,:!-]*", re.I
)


def _sentence_bounds(s: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence of s that contains position pos."""
    start = 0
    for m in _SENTENCE_START.finditer(s, 0, pos):
        start = m.end()
    nxt = _SENTENCE_START.search(s, pos)
    return start, nxt.start() + 1 if nxt else len(s)


def _reported(s: str, pos: int) -> bool:
    """Is the phrase at pos quoted or reported, rather than an instruction to the reader?"""
    if quoted(s, pos):
        return True
    a, b = _sentence_bounds(s, pos)
    sentence = s[a:b]
    lead = _OPENERS.sub("", s[a:pos].strip())
    if not lead:
        # The sentence opens with the command: an imperative, whatever follows.
        return False
    return bool(_REPORTING.search(sentence))


def detect(page: Page) -> list[Finding]:
    """Critical removing findings for injected instructions; info for reported ones."""
    out: list[Finding] = []
    for i in page.lines_with(_KEYS):
        s = page.stripped[i]
        if len(s) > 50_000:
            s = s[:50_000]
        direct = None
        reported = None
        for m in _INJECTION.finditer(s):
            if _reported(s, m.start()):
                reported = reported or m
            else:
                direct = m
                break
        if direct is not None:
            out.append(
                Finding(
                    FlagKind.prompt_injection,
                    Severity.critical,
                    i + 1,
                    i + 1,
                    "text addressed to an AI system reading the page (prompt injection); "
                    "removed so it never reaches the model",
                    removed=True,
                    evidence=excerpt(s, direct.start(), direct.end(), context=120),
                )
            )
        elif reported is not None:
            out.append(
                Finding(
                    FlagKind.prompt_injection,
                    Severity.info,
                    i + 1,
                    i + 1,
                    "an injection phrase quoted or reported as speech in the article; kept as "
                    "article text, and the model only ever treats the article as data",
                    removed=False,
                    evidence=excerpt(s, reported.start(), reported.end()),
                )
            )
    return out
