"""What the fake server reads from a chat-completion request and the answer it builds.

Its default answer is valid and grounded: it reads the numbered sentences between <article>
and </article> in the request and fills in the answer schema the request carries (tool
parameters or response_format).
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from typing import Any

_SENTENCE_LINE = re.compile(r"^\[(\d+)\] ?(.*)$")
_WORD = re.compile(r"\w+")
_ARTICLE_OPEN = re.compile(r"^\s*<article>\s*$", re.M)


# ------------------------------------------------------------------------ reading requests


@dataclass
class ParsedRequest:
    """What the responder needs from a chat-completion request."""

    sentences: list[tuple[int, str]]
    article_text: str
    targets: list[str]
    schema: dict[str, Any] | None
    style: str  # "tools" or "content"
    tool_name: str | None
    model: str
    prompt_chars: int


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def parse_request(body: dict[str, Any]) -> ParsedRequest:
    """Find the article, targets and answer schema in a chat-completion request body."""
    messages = body.get("messages") or []
    texts = [_message_text(m) for m in messages if isinstance(m, dict)]
    # The article block opens with a line of its own; the system prompt merely mentions the tag.
    user = next((t for t in texts if _ARTICLE_OPEN.search(t)), "")
    sentences: list[tuple[int, str]] = []
    targets: list[str] = []
    inside = False
    block: list[str] = []
    for line in user.splitlines():
        stripped = line.strip()
        if stripped == "<article>":
            inside = True
            continue
        if stripped == "</article>":
            inside = False
            continue
        if inside:
            block.append(line)
            match = _SENTENCE_LINE.match(line)
            if match:
                sentences.append((int(match.group(1)), match.group(2)))
            elif sentences:  # a sentence that spans lines
                sid, text = sentences[-1]
                sentences[-1] = (sid, f"{text}\n{line}")
        elif line.startswith("Targets: "):
            with contextlib.suppress(ValueError):
                parsed = json.loads(line[len("Targets: ") :])
                targets = [str(t) for t in parsed] if isinstance(parsed, list) else []
    schema: dict[str, Any] | None = None
    style, tool_name = "content", None
    tools = body.get("tools")
    if isinstance(tools, list) and tools:
        function = tools[0].get("function", {})
        schema, style, tool_name = function.get("parameters"), "tools", function.get("name")
    else:
        fmt = body.get("response_format")
        if isinstance(fmt, dict):
            schema = (fmt.get("json_schema") or {}).get("schema") or fmt.get("schema")
        if not isinstance(schema, dict):
            # JSON and Markdown-JSON styles put the schema into the prompt text instead.
            schema = next((found for t in texts if (found := _schema_in_text(t))), None)
    return ParsedRequest(
        sentences=sentences,
        article_text="\n".join(block),
        targets=targets,
        schema=schema if isinstance(schema, dict) else None,
        style=style,
        tool_name=tool_name,
        model=str(body.get("model") or ""),
        prompt_chars=sum(len(t) for t in texts),
    )


def _schema_in_text(text: str) -> dict[str, Any] | None:
    """The first JSON object in a text that looks like a JSON Schema (has "properties")."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0:
        try:
            obj, _end = decoder.raw_decode(text, start)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("properties"), dict):
            return obj
        start = text.find("{", start + 1)
    return None


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = schema
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}
    return node


def schema_targets(schema: dict[str, Any]) -> list[str] | None:
    """The target names a schema's target_stances demands, in order (None: no such field)."""
    prop = (schema.get("properties") or {}).get("target_stances")
    if not isinstance(prop, dict):
        return None
    # A tuple (prefixItems: one member per target), its strict-mode form (items: anyOf the
    # members), or a list whose items name their target from an enum of all targets.
    members = prop.get("prefixItems")
    if members is None:
        items = _resolve(schema, prop.get("items") or {})
        members = items.get("anyOf") or [items]
    names: list[str] = []
    for item in members:
        target = (_resolve(schema, item).get("properties") or {}).get("target") or {}
        if "const" in target:
            names.append(str(target["const"]))
        elif target.get("enum"):
            names.extend(
                str(v) for v in (target["enum"] if len(members) == 1 else target["enum"][:1])
            )
    return names


# -------------------------------------------------------------------------- building answers


def _clip_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut or text[:limit]


def _mentions(sentence: str, target: str) -> bool:
    """Whether a sentence names the target (case-insensitive; or a distinctive word of it)."""
    low = sentence.casefold()
    if target.casefold() in low:
        return True
    words = set(_WORD.findall(low))
    return any(w in words for w in _WORD.findall(target.casefold()) if len(w) > 3)


def build_answer(request: ParsedRequest, *, grounded: bool = True) -> dict[str, Any]:
    """A valid answer to the request's schema (an abstractive answer, cut down to the fields
    the schema asks for); grounded=False cites sentences and quotes that do not exist."""
    sents = request.sentences or [(0, "")]
    ids = [sid for sid, _ in sents]
    text = dict(sents)
    # Key points need content; skip sentences too short to make one when there is a choice.
    usable = [sid for sid, s in sents if len(s.strip()) >= 5 and _WORD.search(s)] or ids
    first3 = usable[:3] if len(usable) >= min(3, len(ids)) else ids[:3]
    schema = request.schema or {}
    properties = schema.get("properties")
    wanted = schema_targets(schema) if schema else None
    targets = wanted if wanted is not None else request.targets
    lead_words = " ".join(text[ids[0]].split()).split(" ")
    filler = " ".join(" ".join(text[i].split()) for i in ids[1:]).split(" ")
    headline_words = lead_words[:15]
    while len(" ".join(headline_words)) < 8 and filler:
        headline_words.append(filler.pop(0))  # a too-short lead sentence borrows words
    headline = _clip_words(" ".join(headline_words), 110)
    missing = max(ids) + 50  # an id no article shown has
    summary = " ".join(" ".join(text[i].split()) for i in ids[:2])
    extra = iter(ids[2:])
    while len(summary) < 20:
        nxt = next(extra, None)
        if nxt is None:
            summary = (summary + " " + summary).strip() or "No article text was given."
            break
        summary += " " + " ".join(text[nxt].split())
    answer: dict[str, Any] = {
        "headline": headline,
        "summary": _clip_words(summary, 880),
        "key_points": [
            {"text": _clip_words(text[i], 290), "evidence": [i if grounded else missing]}
            for i in first3
        ],
        "article_type": "news_report",
        "stances": [],
        "target_stances": [],
        "flags": [],
    }
    for target in targets:
        found = next((s for _sid, s in sents if target.casefold() in s.casefold()), None)
        if found is None:
            entry: dict[str, Any] = {"target": target, "label": "not_mentioned", "quote": None}
        elif grounded:
            entry = {"target": target, "label": "neutral", "quote": _clip_words(found, 480)}
        else:
            entry = {
                "target": target,
                "label": "neutral",
                "quote": "words this article never said",
            }
        answer["target_stances"].append(entry)
    if isinstance(properties, dict):  # answer exactly the fields the schema asks for
        answer = {k: v for k, v in answer.items() if k in properties}
    return answer


def schema_invalid_answer(request: ParsedRequest) -> dict[str, Any]:
    """Valid JSON in the wrong shape: wrong types, required fields missing, an unknown field."""
    return {"headline": 42, "key_sentences": "all of them", "unexpected": True}
