"""Settings is defined without warnings: its fields clash with no namespace pydantic protects.

pydantic-settings before 2.7 protects the `model_` prefix, so `Settings.model_path` printed
a UserWarning on every `import summarizer` (seen with pydantic-settings 2.3.0); the floor in
pyproject.toml is 2.7 for that reason, and scripts/check-min-versions.sh runs this test there.
"""

from __future__ import annotations

import warnings

from summarizer.config import Settings


def test_a_settings_class_is_built_without_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        # Building a subclass collects every inherited field again, as the import did.
        class Derived(Settings):
            pass

    assert [str(w.message) for w in caught] == []
    assert "model_path" in Derived.model_fields
