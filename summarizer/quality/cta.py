"""Calls to action: the page asking the reader to comment, share, subscribe, follow, or
"explore other articles on our site".

The phrases are addressed to the reader (you / us / our site), which news prose almost never
is. A line made only of such sentences is removed. When the call to action is one sentence
at the end of a paragraph of prose (seed 004, line 75), the line is kept, since clean text is
made of whole lines and the prose must not be lost; the flag still points at the sentence.
"""

from __future__ import annotations

import re

from ..schemas import FlagKind, Severity
from .base import Finding, Page, excerpt, quoted

_CTA = re.compile(
    r"\b(?:share|leave|post|drop|tell us) (?:your|us your) (?:thoughts|opinions?|views|comments?|"
    r"experiences?|feedback)\b|"
    r"\b(?:let us know|tell us) (?:what you think|your thoughts|in the comments)\b|"
    r"\b(?:in|into) the comments?(?: section)? below\b|\bcomment below\b|"
    r"\bleave a (?:comment|reply)\b|"
    r"\b(?:subscribe|sign up) (?:to|for) (?:our|my|the) (?:\w+ )?(?:newsletter|channel|podcast|"
    r"mailing list|blog|updates|feed)\b|"
    r"\b(?:don'?t|do not) forget to (?:subscribe|like|share|follow|comment)\b|"
    r"\bhit the (?:like|subscribe|bell)\b|\blike and (?:share|subscribe)\b|"
    r"\bfollow us on (?:\w+ ){0,2}(?:twitter|x|facebook|instagram|tiktok|linkedin|youtube|"
    r"social media|telegram|whatsapp|threads|bluesky)\b|"
    r"\bshare (?:this|the) (?:article|post|story|page) (?:with|on)\b|"
    r"\b(?:explore|check out|browse|discover|read) (?:other|more|our other|the other|related) "
    r"(?:articles|posts|stories|guides|content)(?: on| from)? (?:our|this) (?:site|website|blog)\b|"
    r"\b(?:explore|check out|browse) (?:other|more) (?:articles|posts|stories) (?:that|which)\b|"
    r"\bbe sure to (?:check out|read|subscribe|follow)\b|"
    r"\bclick (?:here|the link|below) to (?:read|learn|subscribe|download|sign up|join|get)\b|"
    r"\bif you (?:enjoyed|liked|found) this (?:article|post|story|guide)\b|"
    r"\bteilen sie (?:ihre|uns ihre) meinung\b|\babonnieren sie\b|"
    r"\bpartagez (?:votre avis|vos commentaires)\b|\bdéjanos tu comentario\b",
    re.IGNORECASE,
)
# Calls added for scraped pages (issue 11), in a second, smaller pattern with its own keys so
# that the common words among them ("follow", "share") do not send every line of an
# article through the long pattern above.
_CTA_MORE = re.compile(
    r"\bshare (?:it|this(?: story| article| post)?) with "
    r"(?:a friend|friends|your friends|others)\b|"
    r"^like this (?:story|article|post)\?|"
    r"^follow (?:us|[\w.&@-]+(?: [\w.&@-]+)?) on:?$|"
    r"\bdeixe (?:a sua |o seu |suas? |seus? |uma? )(?:d[úu]vidas?|opini[õo]es|coment[áa]rios?|"
    r"resposta|perguntas?)\b|\bobrigad[oa] por compartilhar\b|"
    r"^(?:baixe|receba|assine|inscreva-se)\b.{0,40}\b(?:e-?book|newsletter|e-?mail|gr[áa]tis)\b|"
    # The page telling the reader what to click: "Clique na imagem acima e veja ...".
    r"^(?:click|clique|cliquez|klicken sie|clicca|kliknij|klik)\b|^(?:haga|haz) clic\b|"
    r"^tap (?:here|on|the)\b|"
    # Magazines and forums asking for the reader: "Subscribe now for more from ...", "Join
    # our Space Forums to keep talking space", "We want to hear your suggestions".
    r"\bsubscribe (?:now|today)\b|"
    r"\bsubscribe to our (?:\w+ ){0,2}(?:title|magazine|newsletters?|podcast|channel)\b|"
    r"\bjoin our (?:[\w-]+ ){0,2}(?:forums?|community|discord|mailing list)\b|"
    r"\bwe want to hear (?:from you|your)\b|\blet us know at\b|"
    r"\bif you send us (?:a comment|an e-?mail|feedback)\b",
    re.IGNORECASE,
)
_MORE_KEYS = (
    "share it", "share this", "like this", "follow", "deixe", "obrigado", "obrigada", "baixe",
    "receba", "assine", "inscreva-se", "click", "clique", "cliquez", "klicken", "clicca",
    "kliknij", "klik", "clic", "tap", "subscribe now", "subscribe today", "subscribe to our",
    "join our", "want to hear", "let us know at", "send us",
)  # fmt: skip
# Substrings one of which every match contains: lines without any are not searched.
_KEYS = (
    "your", "tell us", "let us know", "comment", "comments", "subscribe", "sign up", "forget to",
    "hit the", "like and", "follow us", "share this", "share the", "explore", "check out",
    "browse", "discover", "read other", "read more", "read our", "read the other",
    "read related", "be sure", "click", "if you", "teilen sie", "abonnieren", "partagez",
    "déjanos",
)  # fmt: skip
# Sentence boundaries: an end mark followed by a space and a capital or quote.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"“'‘(\[A-ZÀ-ÖØ-Þ])")
# A line whose non-CTA part is shorter than this (in words) is a standalone call to action.
_MAX_REST_WORDS = 8


def _is_cta(sentence: str) -> bool:
    """Does this sentence hold a call to action (either pattern)?"""
    return _CTA.search(sentence) is not None or _CTA_MORE.search(sentence) is not None


def detect(page: Page) -> list[Finding]:
    """Warnings: standalone calls to action are removed, ones inside prose lines are kept."""
    out: list[Finding] = []
    hits = {i: (s, m) for i, s, m in page.first_matches(_MORE_KEYS, _CTA_MORE)}
    hits.update((i, (s, m)) for i, s, m in page.first_matches(_KEYS, _CTA))
    for i in sorted(hits):
        s, m = hits[i]
        if quoted(s, m.start()):
            continue
        sentences = _SENTENCE_SPLIT.split(s)
        cta = [x for x in sentences if _is_cta(x)]
        rest_words = sum(len(x.split()) for x in sentences if not _is_cta(x))
        if rest_words < _MAX_REST_WORDS:
            out.append(
                Finding(
                    FlagKind.call_to_action,
                    Severity.warning,
                    i + 1,
                    i + 1,
                    "call to action addressed to the reader (comment / share / subscribe / "
                    "browse the site), not article text",
                    removed=True,
                )
            )
            continue
        first = cta[0] if cta else m.group(0)
        pos = s.find(first)
        out.append(
            Finding(
                FlagKind.call_to_action,
                Severity.warning,
                i + 1,
                i + 1,
                f"call to action addressed to the reader ({len(cta)} sentence(s)) inside a line "
                "that also holds article prose; the line is kept so that no prose is lost",
                removed=False,
                evidence=excerpt(s, pos, pos + len(first), context=40) if pos >= 0 else first,
            )
        )
    return out
