"""Prompt templates: Jinja2 files in prompts/, one per prompt, each declaring its version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from .errors import ConfigError

_HEADER = re.compile(r"\{#-?(?P<body>.*?)-?#\}", re.S)
_FIELD = re.compile(r"^\s*(?P<key>prompt|version)\s*:\s*(?P<value>\S+)\s*$", re.M)
# The article is fenced by these tags; the same text inside the article must not close the fence.
# Any spelling a model may read as the tag is neutralised: spaces inside ("< /article>",
# "</ARTICLE >"), attributes ('</article foo="bar">'), and an unclosed "</article" at the end
# (issue 12: only the first two forms were caught). "<articles>" is another word and stays.
_FENCE = re.compile(r"<\s*/?\s*article\b[^<>]{0,200}>?", re.I)


def _fence(text: str) -> str:
    """Neutralise fence tags inside article text so the article cannot close its own block."""
    return _FENCE.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), str(text))


def prompts_dir() -> Path:
    """The folder of templates that ships inside the package."""
    return Path(str(resources.files("summarizer") / "prompts"))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir())),
        autoescape=False,  # noqa: S701 - plain-text chat messages, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=False,
    )
    env.filters["fence"] = _fence
    return env


@dataclass(frozen=True)
class Prompt:
    """A loaded template: `render` gives the chat messages for one article."""

    name: str
    version: str
    template: jinja2.Template

    @property
    def label(self) -> str:
        """name@version, as recorded in provenance."""
        return f"{self.name}@{self.version}"

    def render(self, **context: Any) -> list[dict[str, str]]:
        """System and user messages; the article goes only into the user message."""
        messages = []
        for role in ("system", "user"):
            block = self.template.blocks[role]
            text = "".join(block(self.template.new_context(context))).strip()
            messages.append({"role": role, "content": text})
        return messages


@lru_cache(maxsize=16)
def load_prompt(name: str) -> Prompt:
    """Load prompts/<name>.j2 and read the version it declares in its header comment."""
    try:
        source, _, _ = _environment().loader.get_source(_environment(), f"{name}.j2")  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        raise ConfigError(f"no prompt template named {name!r} in {prompts_dir()}") from None
    header = _HEADER.search(source)
    body = header.group("body") if header else ""
    fields = {m.group("key"): m.group("value") for m in _FIELD.finditer(body)}
    if fields.get("prompt") != name or "version" not in fields:
        raise ConfigError(f"prompt {name}.j2 must start with a header declaring prompt and version")
    template = _environment().get_template(f"{name}.j2")
    missing = {"system", "user"} - set(template.blocks)
    if missing:
        raise ConfigError(f"prompt {name}.j2 lacks blocks: {sorted(missing)}")
    return Prompt(name=name, version=fields["version"], template=template)
