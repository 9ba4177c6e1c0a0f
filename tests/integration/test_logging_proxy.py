"""The logging proxy in front of the fake OpenAI server: requests pass both ways and each
chat request is logged with its structured-output style and token counts. (The llama.cpp
server tier relies on it to count requests; this runs in seconds.)"""

from __future__ import annotations

import json
import urllib.request

import openai
import pytest

from summarizer.testing import FakeOpenAIServer, FaultPlan
from summarizer.testing.proxy import LoggingProxy

pytestmark = pytest.mark.integration


def test_requests_pass_and_chat_requests_are_logged() -> None:
    with FakeOpenAIServer(FaultPlan()) as server, LoggingProxy(server.url) as proxy:
        with urllib.request.urlopen(proxy.url + "/v1/models", timeout=10) as reply:
            assert json.loads(reply.read())["data"][0]["id"] == "fake-model"
        client = openai.OpenAI(api_key="k", base_url=proxy.url + "/v1", max_retries=0)
        schema = {"type": "object", "properties": {"article_type": {}}}
        answer = client.chat.completions.create(
            model="fake-model",
            messages=[{"role": "user", "content": "<article>\n[0] A bridge opened.\n</article>"}],
            response_format={"type": "json_schema", "json_schema": {"name": "A", "schema": schema}},
            max_tokens=64,
        )
        assert json.loads(answer.choices[0].message.content or "") == {
            "article_type": "news_report"
        }
        chats = proxy.chat_requests()
        assert len(proxy.entries) == 2 and len(chats) == 1
        (chat,) = chats
        assert (chat.status, chat.style, chat.max_tokens) == (200, "json_schema", 64)
        assert chat.prompt_tokens and chat.completion_tokens
    assert proxy.url and server.url  # stopped cleanly: the context managers returned
