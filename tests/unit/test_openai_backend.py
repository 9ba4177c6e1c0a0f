"""The openai backend against scripted servers: how many requests each server behaviour costs,
what the requests carry, and which error ends an article (issue 16). The HTTP exchange is
scripted; body shaping, instructor's parsing and re-asks, retries and fallbacks run for real."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.chat import ChatCompletion

from summarizer.backends.servers import facts, forget_servers
from summarizer.backends.strict import strict_violations
from summarizer.backends.transport import ends_open
from summarizer.errors import BackendError, ContextWindowExceeded, GroundingError
from summarizer.inputs import Article
from summarizer.pipeline import Pipeline
from summarizer.schemas import ArticleAnalysis, FlagKind
from summarizer.testing.answers import build_answer, parse_request
from summarizer.testing.corpus import synthetic_article

from ..conftest import ScriptedServer, chat_reply, scripted_openai_backend, status_error

REFUSE_JSON_SCHEMA = (
    "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)


@pytest.fixture(autouse=True)
def _fresh_servers(clean_env: pytest.MonkeyPatch) -> Iterator[None]:
    forget_servers()
    yield
    forget_servers()


def style(body: dict[str, Any]) -> str:
    if body.get("tools"):
        return "tools"
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object":
        return "json_object" if "schema" in fmt else "json"
    return str(fmt.get("type", "text"))


def run(server: ScriptedServer, text: str | None = None, **settings: Any) -> ArticleAnalysis:
    targets = settings.pop("targets", None)
    backend = scripted_openai_backend(server, **settings)
    pipeline = Pipeline.from_settings(backend.settings, backend=backend)
    article = Article.create(text or synthetic_article(1), targets=targets)
    return asyncio.run(pipeline.analyze(article))


def llama_cpp_python(body: dict[str, Any]) -> ChatCompletion:
    """llama-cpp-python's server: json_schema answered with a 500, tools and json_object work."""
    if style(body) == "json_schema":
        raise status_error(500, REFUSE_JSON_SCHEMA)
    return chat_reply(body)


# ----------------------------------------------------------------- fallback and memory


def test_a_refused_json_schema_falls_back_to_tools_in_two_requests() -> None:
    server = ScriptedServer(llama_cpp_python)
    result = run(server, mode="abstractive", openai_mode="json_schema")
    assert [style(b) for b in server.bodies] == ["json_schema", "tools"]
    assert result.provenance.structured_output_mode == "tools"
    assert result.provenance.attempts == 2  # the refused request was a model call too
    again = run(server, mode="abstractive", openai_mode="json_schema")  # same server, remembered
    assert [style(b) for b in server.bodies[2:]] == ["tools"]
    assert again.provenance.attempts == 1


def test_every_style_refused_is_one_clear_error_after_one_request_each() -> None:
    def refuses(body: dict[str, Any]) -> ChatCompletion:
        raise status_error(400, f"response_format of type {style(body)} is not supported")

    server = ScriptedServer(refuses)
    with pytest.raises(BackendError, match="accepts none of the structured-output styles") as info:
        run(server, openai_mode="json_schema")
    assert [style(b) for b in server.bodies] == ["json_schema", "tools", "json_object", "json"]
    assert info.value.attempts == 4


def test_articles_in_flight_learn_a_refusal_once() -> None:
    async def many() -> list[ArticleAnalysis]:
        backend = scripted_openai_backend(server, mode="extractive", openai_mode="json_schema")
        pipeline = Pipeline.from_settings(backend.settings, backend=backend)
        articles = [Article.create(synthetic_article(i)) for i in range(6)]
        return await asyncio.gather(*(pipeline.analyze(a) for a in articles))

    server = ScriptedServer(llama_cpp_python)
    results = asyncio.run(many())
    assert [style(b) for b in server.bodies].count("json_schema") == 1
    assert len(server.bodies) == 7 and len(results) == 6
    # only the article whose request was refused paid for it
    assert sorted(r.provenance.attempts for r in results) == [1, 1, 1, 1, 1, 2]


def test_json_object_carries_the_schema_for_grammar_servers() -> None:
    server = ScriptedServer(chat_reply)
    run(server, openai_mode="json_object", mode="abstractive")
    fmt = server.bodies[0]["response_format"]
    assert fmt["type"] == "json_object" and "headline" in fmt["schema"]["properties"]


# ------------------------------------------------------------------- permanent errors


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "Unknown model 'smol-9'"),
        (404, "The model `smol-9` does not exist"),
        (422, "field required: messages"),
        (400, "Invalid value for 'seed'"),
    ],
)
def test_permanent_errors_are_sent_once(status: int, message: str) -> None:
    def refuses(body: dict[str, Any]) -> ChatCompletion:
        raise status_error(status, message)

    server = ScriptedServer(refuses)
    with pytest.raises(BackendError, match=f"HTTP {status}|not found") as info:
        run(server, max_transient_retries=6)
    assert len(server.bodies) == 1
    assert info.value.status_code == status


def test_a_transient_error_is_still_retried() -> None:
    replies: list[Any] = [status_error(503, "Service Unavailable")]

    def flaky(body: dict[str, Any]) -> ChatCompletion:
        if replies:
            raise replies.pop()
        return chat_reply(body)

    server = ScriptedServer(flaky)
    result = run(server)
    assert len(server.bodies) == 2 and result.provenance.transient_retries == 1


# ------------------------------------------------------------------------ truncation


def test_a_cut_answer_is_retried_once_with_double_the_budget_not_re_asked() -> None:
    """llama-cpp-python says finish_reason "tool_calls" for a tool call cut at max_tokens."""

    def cuts_first(body: dict[str, Any]) -> ChatCompletion:
        if len(server.bodies) == 1:
            return chat_reply(
                body, answer='{"headline": "Cut', completion_tokens=body["max_tokens"]
            )
        return chat_reply(body)

    server = ScriptedServer(cuts_first)
    result = run(server, openai_mode="tools", mode="abstractive", max_tokens=200)
    assert [b["max_tokens"] for b in server.bodies] == [200, 400]
    assert server.bodies[0]["messages"] == server.bodies[1]["messages"]  # no re-ask text
    assert result.provenance.attempts == 2


def test_an_answer_cut_twice_names_the_flag() -> None:
    def always_cut(body: dict[str, Any]) -> ChatCompletion:
        used = body["max_tokens"]
        return chat_reply(body, answer='{"headline": "Cut', completion_tokens=used)

    server = ScriptedServer(always_cut)
    with pytest.raises(BackendError, match=r"cut off .*raise --max-tokens \(now 200\)") as info:
        run(server, mode="abstractive", max_tokens=200)
    assert len(server.bodies) == 2 and info.value.attempts == 2
    assert info.value.completion_tokens > 0  # the cut answers were billed


def test_no_larger_budget_when_the_context_has_no_room() -> None:
    def cut(body: dict[str, Any]) -> ChatCompletion:  # 3,100 prompt tokens of a 4,096 window
        return chat_reply(body, answer="{", completion_tokens=1000, prompt_tokens=3100)

    server = ScriptedServer(cut)
    with pytest.raises(BackendError, match="cut off at its budget of 1000 tokens"):
        run(server, mode="extractive", max_tokens=1000, context_tokens=4096)
    assert len(server.bodies) == 1


# ---------------------------------------------------------------------- context window


def llama_context(limit: int) -> Any:
    """A server with a `limit`-token window that states it only in its error."""

    def handler(body: dict[str, Any]) -> ChatCompletion:
        reply = chat_reply(body)
        assert reply.usage is not None
        asked = reply.usage.prompt_tokens + body["max_tokens"]
        if asked > limit:
            raise status_error(
                400,
                f"This model's maximum context length is {limit} tokens. However, you requested "
                f"{asked} tokens ({reply.usage.prompt_tokens} in the messages, "
                f"{body['max_tokens']} in the completion).",
                code="context_length_exceeded",
            )
        return reply

    return handler


def test_context_exceeded_cuts_the_article_to_the_stated_limit_and_retries_once() -> None:
    long_text = "\n".join(synthetic_article(i) for i in range(30))  # ~2,500 tokens of prose
    server = ScriptedServer(llama_context(2048))
    backend = scripted_openai_backend(
        server, context_tokens=None, mode="abstractive", max_tokens=400
    )
    facts(backend._key).context_checked = True  # the server states no window (llama-cpp-python)
    pipeline = Pipeline.from_settings(backend.settings, backend=backend)
    result = asyncio.run(pipeline.analyze(Article.create(long_text)))
    assert len(server.bodies) == 2 and backend.context_tokens == 2048
    overflow = [f for f in result.quality.flags if f.kind is FlagKind.context_overflow]
    assert overflow and "2048 tokens" in overflow[0].explanation
    assert result.provenance.attempts == 2


def test_a_configured_window_that_is_wrong_is_one_clear_error() -> None:
    server = ScriptedServer(llama_context(1024))
    with pytest.raises(ContextWindowExceeded, match="maximum context length is 1024"):
        run(server, "\n".join(synthetic_article(i) for i in range(30)), context_tokens=8192)
    assert len(server.bodies) == 1


def test_a_re_ask_that_cannot_fit_is_not_sent() -> None:
    def ungrounded(body: dict[str, Any]) -> ChatCompletion:
        answer = build_answer(parse_request(body))
        answer["key_points"][0]["evidence"] = [77]  # a sentence that does not exist
        # 3,300 prompt tokens + 600 for the answer fit 4,096; adding the answer and the
        # validation error to the prompt for a re-ask does not.
        return chat_reply(body, answer=answer, prompt_tokens=3300)

    server = ScriptedServer(ungrounded)
    with pytest.raises(GroundingError, match=r"re-ask .* does not fit the model's 4096-token") as e:
        run(server, mode="abstractive", max_tokens=600, context_tokens=4096)
    assert len(server.bodies) == 1 and e.value.attempts == 1
    assert "key_points.0" in e.value.fields and "77" in str(e.value)


# ------------------------------------------------------------------- OpenAI specifics


def test_openai_gets_strict_schemas_in_both_styles() -> None:
    server = ScriptedServer(chat_reply)
    run(
        server, base_url="https://api.openai.com/v1", mode="abstractive",
        openai_mode="json_schema", targets=["Maria Okafor"],
    )  # fmt: skip
    fmt = server.bodies[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert strict_violations(fmt["json_schema"]["schema"]) == []
    forget_servers()
    run(server, base_url="https://api.openai.com/v1", openai_mode="tools", mode="abstractive")
    function = server.bodies[1]["tools"][0]["function"]
    assert function["strict"] is True and strict_violations(function["parameters"]) == []


def test_other_servers_get_the_full_schema_unless_asked_for_strict() -> None:
    server = ScriptedServer(chat_reply)
    result = run(server, mode="abstractive", openai_mode="json_schema")
    fmt = server.bodies[0]["response_format"]["json_schema"]
    assert "strict" not in fmt and "maxLength" in str(fmt["schema"])  # bounds for the grammar
    assert result.provenance.structured_output_mode == "json_schema"
    strict = run(server, mode="abstractive", openai_mode="json_schema", strict=True)
    assert server.bodies[1]["response_format"]["json_schema"]["strict"] is True
    assert strict.provenance.structured_output_mode == "json_schema_strict"


def test_reasoning_models_get_max_completion_tokens_and_no_temperature() -> None:
    server = ScriptedServer(chat_reply)
    run(server, model="o3-mini", base_url="https://api.openai.com/v1", max_tokens=500)
    body = server.bodies[0]
    assert "max_tokens" not in body and "temperature" not in body
    assert body["max_completion_tokens"] == 500 + 4096  # answer + hidden reasoning allowance


def test_an_unknown_reasoning_model_is_adapted_to_once() -> None:
    def picky(body: dict[str, Any]) -> ChatCompletion:
        if "max_tokens" in body:
            raise status_error(
                400,
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead.",
            )
        return chat_reply(body)

    server = ScriptedServer(picky)
    run(server, model="future-reasoner", max_tokens=300)
    run(server, model="future-reasoner", max_tokens=300)
    assert ["max_tokens" in b for b in server.bodies] == [True, False, False]
    assert server.bodies[1]["max_completion_tokens"] == 300


def test_an_answer_cut_by_the_end_of_the_context_is_not_re_asked() -> None:
    """llama-cpp-python shortens max_tokens to what is left of its window and reports the cut
    tool call as finished: 3,537 + 559 = 4,096 tokens (measured on its server, issue 16)."""

    def clipped(body: dict[str, Any]) -> ChatCompletion:
        return chat_reply(
            body, answer='{"headline": "Iran and', completion_tokens=559, prompt_tokens=3537
        )

    server = ScriptedServer(clipped)
    backend = scripted_openai_backend(server, context_tokens=None, openai_mode="tools")
    facts(backend._key).context_checked = True  # the server states no window
    pipeline = Pipeline.from_settings(backend.settings, backend=backend)
    with pytest.raises(BackendError, match=r"after 559 tokens, where the server's context ended"):
        asyncio.run(pipeline.analyze(Article.create(synthetic_article(2))))
    assert len(server.bodies) == 1
    assert backend.context_tokens == 4096  # learnt: the next articles are cut to fit


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ('{"headline": "Iran and', True),
        ('{"key_points": [{"text": "a"}, {"text": "b\\"', True),
        ('{"a": [1, 2', True),
        ('{"a": "}"}', False),
        ('{"a": 1} trailing', False),
        ("not json at all", False),
        ("", False),
    ],
)
def test_cut_json_is_told_from_wrong_json(text: str, cut: bool) -> None:
    assert ends_open(text) is cut


def test_a_retry_of_a_cut_answer_counts_against_max_attempts() -> None:
    def cut_then_wrong(body: dict[str, Any]) -> ChatCompletion:
        if len(server.bodies) == 1:
            return chat_reply(
                body, answer='{"headline": "Cut', completion_tokens=body["max_tokens"]
            )
        answer = build_answer(parse_request(body))
        answer["key_points"][0]["evidence"] = [77]
        return chat_reply(body, answer=answer)

    server = ScriptedServer(cut_then_wrong)
    with pytest.raises(GroundingError, match=r"after 2 attempt\(s\) \(--max-attempts 2\)"):
        run(server, mode="abstractive", max_tokens=300, max_attempts=2)
    assert len(server.bodies) == 2  # the cut answer's retry used the second attempt
