"""The memo around instructor's async-validator check: same verdicts, each class walked once."""

from __future__ import annotations

import importlib
from typing import Any

import instructor
import pytest
from instructor.v2.validation.async_validators import async_field_validator
from pydantic import BaseModel

from summarizer.backends import instructor_checks
from summarizer.backends.base import instructor_model
from summarizer.schemas.answers import abstractive_answer_model


class Plain(BaseModel):
    name: str


class WithAsyncValidator(BaseModel):
    name: str

    @async_field_validator("name")
    async def _check(self, value: str) -> None:  # pragma: no cover - never run
        return None


def test_each_passing_class_is_walked_once_and_failures_every_time() -> None:
    walked: list[Any] = []

    def check(model: Any) -> None:
        walked.append(model)
        if model is WithAsyncValidator:
            raise ValueError("async validators are not supported")

    fast = instructor_checks._memoized(check)
    for _ in range(3):
        fast(Plain)
        fast(list[Plain])  # not a class: always handed on
        with pytest.raises(ValueError, match="not supported"):
            fast(WithAsyncValidator)
    assert walked.count(Plain) == 1
    assert walked.count(list[Plain]) == 3
    assert walked.count(WithAsyncValidator) == 3


def test_installed_into_instructor_where_it_looks_the_check_up() -> None:
    instructor_model(abstractive_answer_model(5, []))  # installs on first use
    assert instructor_checks.install() is True
    home = importlib.import_module(instructor_checks._DEFINED_IN)
    patch_module = importlib.import_module("instructor.v2.core.patch")
    assert home.reject_async_validators is patch_module.reject_async_validators
    assert hasattr(home.reject_async_validators, "__wrapped__")


async def test_instructor_still_refuses_async_validators_after_install() -> None:
    instructor_checks.install()
    calls = 0

    async def create(**_kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        raise AssertionError("never reached: the model is refused before any call")

    patched = instructor.patch(create=create, mode=instructor.Mode.TOOLS)
    for _ in range(2):
        with pytest.raises(ValueError, match="async validators"):
            await patched(
                response_model=WithAsyncValidator,
                messages=[{"role": "user", "content": "x"}],
                max_retries=0,
            )
    assert calls == 0
