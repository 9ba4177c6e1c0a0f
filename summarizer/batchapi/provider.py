"""The provider's Files and Batch APIs through the openai client: upload, create, retrieve,
cancel, download. A handful of calls per batch, so the blocking client with the SDK's own
retries is enough here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai

from ..config import Settings
from ..errors import BackendError, ConfigError
from .state import Part

ENDPOINT = "/v1/chat/completions"


class BatchProvider:
    """One OpenAI-compatible endpoint's Files and Batch APIs."""

    def __init__(self, settings: Settings) -> None:
        if settings.api_key is None and settings.base_url is None:
            raise ConfigError("the Batch API needs OPENAI_API_KEY (or --base-url for a server)")
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        self.client = openai.OpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=max(settings.timeout, 300.0),  # uploads and downloads can be large
            max_retries=settings.max_transient_retries,
        )

    def _call(self, what: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except openai.APIStatusError as exc:
            message = str(getattr(exc, "message", "") or exc)[:300]
            raise BackendError(f"{what}: HTTP {exc.status_code}: {message}",
                               status_code=exc.status_code) from None  # fmt: skip
        except openai.APIConnectionError as exc:
            raise BackendError(f"{what}: cannot reach the server ({type(exc).__name__})") from None

    def submit(self, part: Part, metadata: dict[str, str]) -> None:
        """Upload a part's request file and create its batch; fills in the part's ids."""
        if part.file_id is None:
            with open(part.request_file, "rb") as handle:
                uploaded = self._call("upload", self.client.files.create,
                                      file=handle, purpose="batch")  # fmt: skip
            part.file_id = uploaded.id
        batch = self._call(
            "create batch",
            self.client.batches.create,
            input_file_id=part.file_id,
            endpoint=ENDPOINT,
            completion_window="24h",
            metadata=metadata,
        )
        part.batch_id = batch.id
        self._update(part, batch)

    def refresh(self, part: Part) -> None:
        """Retrieve a part's batch and record its status, counts and result files."""
        assert part.batch_id is not None
        self._update(part, self._call("retrieve batch", self.client.batches.retrieve,
                                      part.batch_id))  # fmt: skip

    def cancel(self, part: Part) -> None:
        """Ask the provider to cancel a part's batch."""
        assert part.batch_id is not None
        self._update(part, self._call("cancel batch", self.client.batches.cancel, part.batch_id))

    def download(self, file_id: str, path: Path) -> None:
        """Save a result file (written to a temporary name first, then renamed)."""
        content = self._call("download", self.client.files.content, file_id)
        tmp = path.with_name(path.name + ".part")
        content.write_to_file(tmp)
        tmp.replace(path)

    @staticmethod
    def _update(part: Part, batch: Any) -> None:
        part.status = str(batch.status)
        part.output_file_id = batch.output_file_id
        part.error_file_id = batch.error_file_id
        counts = batch.request_counts
        if counts is not None:
            part.counts = {"total": counts.total, "completed": counts.completed,
                           "failed": counts.failed}  # fmt: skip
