"""JSON Schemas that OpenAI's strict structured outputs accept, and a checker of those rules.

With `strict: true` OpenAI compiles the schema into the decoder, so the answer is guaranteed to
match it, but only a subset of JSON Schema is accepted and a schema outside it is refused with
HTTP 400. The rules, as published in OpenAI's Structured Outputs guide ("Supported schemas"):

- the root is an object, not an `anyOf`;
- every object sets `additionalProperties: false` and lists every property in `required`
  (an optional value is a required property whose type admits null);
- supported keywords: type, properties, required, additionalProperties, items, anyOf, enum,
  const, $ref, $defs (definitions), title, description; for strings pattern and format, for
  numbers minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, for arrays minItems
  and maxItems. Everything else (prefixItems tuples, minLength/maxLength, uniqueItems, default,
  allOf, oneOf, not, if/then/else, patternProperties, ...) is refused;
- at most 5,000 object properties, 10 levels of object nesting, 1,000 enum values, and
  120,000 characters of property names, definition names, enum and const values.

`strict_schema` rewrites a pydantic model's schema into that subset without changing which
answers the model accepts: keywords strict mode cannot carry become words in the description
("5-300 characters") and stay enforced by the pydantic model when the answer is validated (a
violation is re-asked like any other). `strict_violations` is the checker the unit tests run
over every answer schema we send.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

ALLOWED_KEYWORDS = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum",
        "const", "$ref", "$defs", "definitions", "title", "description",
        "pattern", "format",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems",
    }
)  # fmt: skip
MAX_PROPERTIES = 5_000
MAX_NESTING = 10
MAX_ENUM_VALUES = 1_000
MAX_STRING_CHARS = 120_000

# Keywords strict mode refuses that we can state in words instead; the validators enforce them.
_SAID_IN_WORDS = {
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "uniqueItems": "no repeated items",
    "minProperties": "at least {} properties",
    "maxProperties": "at most {} properties",
}
# Keywords that carry no constraint on the answer (or one we cannot express): dropped.
_DROPPED = frozenset({"default", "examples", "discriminator", "readOnly", "writeOnly", "$schema"})


# ----------------------------------------------------------------------------- conversion


@lru_cache(maxsize=512)
def full_schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The model's own JSON Schema (bounds, tuples and all), made once per model class."""
    return model.model_json_schema()


@lru_cache(maxsize=512)
def strict_schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The strict-mode schema of an answer model, made once per model class.

    The result is shared between calls: callers put it into a request body and never mutate it.
    """
    return strict_schema(full_schema_for(model))


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` inside the strict-mode subset, admitting the same valid answers."""
    out = copy.deepcopy(schema)
    defs = out.get("$defs", {})
    _convert(out, defs)
    for sub in defs.values():
        _convert(sub, defs)
    _limit_enums(out)
    return out


def _convert(node: dict[str, Any], defs: dict[str, Any]) -> None:
    """Rewrite one schema node in place, then its children."""
    if "$ref" in node and len(node) > 1:
        # A $ref with siblings (a description on a referenced enum, say): inline the target so
        # no keyword sits beside the reference.
        target = _resolve(node["$ref"], defs)
        if target is not None:
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node.clear()
            node.update(copy.deepcopy(target))
            node.update(extra)
    if "allOf" in node and len(node["allOf"]) == 1:  # pydantic's wrapper around a single $ref
        (only,) = node.pop("allOf")
        node.update({k: v for k, v in only.items() if k not in node})
    if "oneOf" in node:  # our answers never need exclusivity; anyOf admits the same values
        node["anyOf"] = node.pop("oneOf")
    if "prefixItems" in node:  # a tuple: any of its member shapes, exactly as many items
        members = node.pop("prefixItems")
        node["items"] = members[0] if len(members) == 1 else {"anyOf": members}
        node["minItems"] = node["maxItems"] = len(members)
        _add_words(node, "one item per listed shape, in the order listed")
    words = []
    for key, phrase in _SAID_IN_WORDS.items():
        if key in node:
            value = node.pop(key)
            words.append(phrase.format(value) if "{}" in phrase else phrase)
    if words:
        _add_words(node, ", ".join(_merge_bounds(words)))
    for key in _DROPPED & node.keys():
        del node[key]
    properties = node.get("properties")
    if isinstance(properties, dict):
        node["required"] = list(properties)
        node["additionalProperties"] = False
        for child in properties.values():
            if isinstance(child, dict):
                _convert(child, defs)
    if node.get("type") == "object" and "properties" not in node:
        node["properties"] = {}
        node["required"] = []
        node["additionalProperties"] = False
    items = node.get("items")
    if isinstance(items, dict):
        _convert(items, defs)
    for member in node.get("anyOf", []):
        if isinstance(member, dict):
            _convert(member, defs)


def _merge_bounds(words: list[str]) -> list[str]:
    """'at least 5 characters', 'at most 300 characters' -> '5-300 characters'."""
    low = next((w for w in words if w.startswith("at least") and w.endswith("characters")), None)
    high = next((w for w in words if w.startswith("at most") and w.endswith("characters")), None)
    if low is None or high is None:
        return words
    merged = f"{low.split()[2]}-{high.split()[2]} characters"
    return [merged] + [w for w in words if w not in (low, high)]


def _add_words(node: dict[str, Any], words: str) -> None:
    description = str(node.get("description") or "").strip()
    node["description"] = f"{description} ({words})" if description else words.capitalize()


def _resolve(ref: str, defs: dict[str, Any]) -> dict[str, Any] | None:
    prefix = "#/$defs/"
    if ref.startswith(prefix):
        found = defs.get(ref[len(prefix) :])
        return found if isinstance(found, dict) else None
    return None


def _limit_enums(schema: dict[str, Any]) -> None:
    """Keep the total of enum values within the limit: the largest integer enums (sentence ids
    of a very long article) become a range, which strict mode supports."""
    while True:
        nodes = [n for n in _walk(schema) if isinstance(n.get("enum"), list)]
        if sum(len(n["enum"]) for n in nodes) <= MAX_ENUM_VALUES:
            return
        ints = [n for n in nodes if all(isinstance(v, int) for v in n["enum"])]
        if not ints:
            return  # nothing we can say as a range; the checker reports it
        biggest = max(ints, key=lambda n: len(n["enum"]))
        values = biggest.pop("enum")
        biggest["type"] = "integer"
        biggest["minimum"], biggest["maximum"] = min(values), max(values)
        _add_words(biggest, "one of the listed sentence ids")


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every schema object in `node`, depth first (definitions included)."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.append(current)
            for key, value in current.items():
                if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
                    stack.extend(value.values())
                elif key in ("items", "additionalProperties") and isinstance(value, dict):
                    stack.append(value)
                elif key in ("anyOf", "allOf", "oneOf", "prefixItems") and isinstance(value, list):
                    stack.extend(value)
    return found


# -------------------------------------------------------------------------------- checker


def strict_violations(schema: dict[str, Any]) -> list[str]:
    """Every way `schema` breaks the published strict-mode rules (empty: it passes)."""
    problems: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("root: must be an object, not anyOf")
    defs = schema.get("$defs") or schema.get("definitions") or {}
    _check(schema, "#", problems)
    for name, sub in defs.items():
        _check(sub, f"#/$defs/{name}", problems)
    properties = 0
    enum_values = 0
    chars = sum(len(name) for name in defs)
    for node in _walk(schema):
        props = node.get("properties")
        if isinstance(props, dict):
            properties += len(props)
            chars += sum(len(name) for name in props)
        if isinstance(node.get("enum"), list):
            enum_values += len(node["enum"])
            chars += sum(len(str(v)) for v in node["enum"])
        if "const" in node:
            chars += len(str(node["const"]))
    if properties > MAX_PROPERTIES:
        problems.append(f"{properties} object properties (limit {MAX_PROPERTIES})")
    if enum_values > MAX_ENUM_VALUES:
        problems.append(f"{enum_values} enum values (limit {MAX_ENUM_VALUES})")
    if chars > MAX_STRING_CHARS:
        problems.append(f"{chars} characters of names and values (limit {MAX_STRING_CHARS})")
    depth = _object_depth(schema, defs, set())
    if depth > MAX_NESTING:
        problems.append(f"{depth} levels of object nesting (limit {MAX_NESTING})")
    return problems


def _check(node: Any, where: str, problems: list[str]) -> None:
    if not isinstance(node, dict):
        problems.append(f"{where}: not a schema object")
        return
    for key in node:
        if key not in ALLOWED_KEYWORDS:
            problems.append(f"{where}: keyword {key!r} is not supported in strict mode")
    if "$ref" in node and len(node) > 1:
        problems.append(f"{where}: $ref has sibling keywords")
    props = node.get("properties")
    is_object = node.get("type") == "object" or (
        isinstance(node.get("type"), list) and "object" in node["type"]
    )
    if is_object or props is not None:
        if node.get("additionalProperties") is not False:
            problems.append(f"{where}: additionalProperties must be false")
        names = list(props or {})
        if sorted(node.get("required") or []) != sorted(names):
            missing = sorted(set(names) - set(node.get("required") or []))
            problems.append(f"{where}: every property must be required (missing {missing})")
        for name, child in (props or {}).items():
            _check(child, f"{where}/properties/{name}", problems)
    items = node.get("items")
    if isinstance(items, list):
        problems.append(f"{where}: items must be one schema (tuples are not supported)")
    elif items is not None:
        _check(items, f"{where}/items", problems)
    for i, member in enumerate(node.get("anyOf") or []):
        _check(member, f"{where}/anyOf/{i}", problems)


def _object_depth(node: Any, defs: dict[str, Any], seen: set[str]) -> int:
    """Levels of nested objects below `node`, following $refs (a recursive ref counts once)."""
    if not isinstance(node, dict):
        return 0
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return 0
        target = _resolve(ref, defs) if ref != "#" else None
        return _object_depth(target, defs, seen | {ref}) if target is not None else 0
    children: list[Any] = []
    if isinstance(node.get("properties"), dict):
        children += list(node["properties"].values())
    if isinstance(node.get("items"), dict):
        children.append(node["items"])
    children += list(node.get("anyOf") or [])
    below = max((_object_depth(c, defs, seen) for c in children), default=0)
    return below + (1 if "properties" in node else 0)
