"""Remember which answer models instructor has already checked for async validators.

On every call instructor walks the whole response model (each class's full MRO, each field)
about six times, to refuse async validators its runtime cannot run. For our answer models
that walk cost ~1.3 ms of CPU per article, a fifth of the client's work against a fast
server (benchmarks/batch_overhead.py, batch_throughput.py). A class does not change once
built, so a class that passed once passes forever: this wraps instructor's check to skip
classes it has already accepted. A class that fails is checked (and refused) every time,
and anything that is not a class goes straight to instructor.

If a future instructor moves the check, `install` does nothing and instructor runs as
shipped (correct, only slower); tests/unit/test_instructor_checks.py notices.
"""

from __future__ import annotations

import importlib
import types
import weakref
from collections.abc import Callable
from typing import Any

# Modules that hold their own reference to the check (imported by name at module level);
# the rest import it from the defining module at call time.
_DEFINED_IN = "instructor.v2.validation.async_validators"
_ALSO_BOUND_IN = ("instructor.v2.core.patch",)
_NAME = "reject_async_validators"

_installed = False


def _is_class(obj: Any) -> bool:
    """A real class; `list[Model]` counts as one for isinstance(..., type) on Python 3.10."""
    return isinstance(obj, type) and not isinstance(obj, types.GenericAlias)


def _memoized(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """The check, skipped for classes that already passed it."""
    passed: weakref.WeakSet[type] = weakref.WeakSet()

    def reject_async_validators(response_model: Any) -> None:
        if _is_class(response_model) and response_model in passed:
            return
        check(response_model)  # raises for a model with async validators
        if _is_class(response_model):
            passed.add(response_model)

    reject_async_validators.__wrapped__ = check  # type: ignore[attr-defined]
    return reject_async_validators


def install() -> bool:
    """Wrap instructor's check once per process; False when instructor has no such check."""
    global _installed
    if _installed:
        return True
    try:
        home = importlib.import_module(_DEFINED_IN)
        original = getattr(home, _NAME)
        others = [importlib.import_module(name) for name in _ALSO_BOUND_IN]
    except (ImportError, AttributeError):
        return False
    fast = _memoized(original)
    setattr(home, _NAME, fast)
    for module in others:
        if getattr(module, _NAME, None) is original:
            setattr(module, _NAME, fast)
    _installed = True
    return True
