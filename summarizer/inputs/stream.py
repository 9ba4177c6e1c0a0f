"""Many articles as a stream: files, folders, JSONL files and stdin, one InputItem at a time.

Nothing here holds more than one row or file in memory, so a corpus of any size streams.
A malformed row never raises: it becomes an InputItem carrying a `problem`, which the runner
turns into an error row naming `file:line`. Only an input path that does not exist at all is
refused up front (InputError), since that is a typo to fix before spending anything.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from . import linereader
from .article import Article, bom_encoding, printable, sha256_text
from .files import HTML_SUFFIXES, load_article
from .html import article_from_html
from .url import Fetcher, Page, article_from_page, is_url

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
URL_LIST_SUFFIXES = frozenset({".urls"})
# What a folder walk picks up; a file named explicitly is read whatever its suffix.
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"}) | HTML_SUFFIXES
STDIN_NAME = "<stdin>"
# The longest line is_url_list reads as a possible URL.
_MAX_URL_LINE = 8192
# Files that may hold a list of URLs instead of an article.
_TEXT_SUFFIXES = frozenset({".txt", ".text", ""})


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class InputItem:
    """One article as read from the input, not yet validated into an Article."""

    id: str
    source: str  # where it came from: "file:line", "file" or "<stdin>:line"
    raw_sha256: str = ""  # hash of the raw row or file bytes ("" when unreadable)
    text: str | None = None
    html: str | None = None
    path: Path | None = None
    article: Article | None = None
    title: str | None = None
    url: str | None = None
    targets: tuple[str, ...] | None = None  # None: the row names no targets
    problem: str | None = None  # set when the row is unusable; build() raises it
    page: Page | None = None  # the fetched page of a URL item (see resolve_urls)

    @property
    def needs_fetch(self) -> bool:
        """A URL and nothing else: the page must be fetched before the article exists."""
        return (
            self.url is not None
            and self.problem is None
            and self.page is None
            and self.text is None
            and self.html is None
            and self.path is None
            and self.article is None
        )

    def build(self, *, default_targets: Sequence[str] = (), max_chars: int) -> Article:
        """The validated Article; raises InputError for an unusable row or file."""
        if self.problem is not None:
            raise InputError(self.problem, article_id=self.id)
        targets: Sequence[str] = self.targets if self.targets else default_targets
        if self.article is not None:
            return self.article
        if self.page is not None:
            return article_from_page(
                self.page, article_id=self.id, title=self.title, targets=targets,
                max_chars=max_chars,
            )  # fmt: skip
        if self.needs_fetch:
            raise InputError(f"{self.url}: the page was not fetched", article_id=self.id)
        if self.path is not None:
            return load_article(self.path, targets=targets, max_chars=max_chars, article_id=self.id)
        if self.text is not None:
            return Article.create(
                self.text,
                id=self.id,
                title=self.title,
                url=self.url,
                targets=targets,
                max_chars=max_chars,
            )
        if self.html is not None:
            return article_from_html(
                self.html,
                article_id=self.id,
                url=self.url,
                title=self.title,
                targets=targets,
                max_chars=max_chars,
            )
        raise InputError("row has no text", article_id=self.id)  # unreachable by construction

    def input_hash(self) -> str:
        """A hash of the raw input for error rows, so resume notices when a bad input changes."""
        if self.raw_sha256 or self.path is None:
            return self.raw_sha256
        try:
            return _sha256_bytes(self.path.read_bytes())
        except OSError:
            return ""


def _problem(item_id: str, source: str, raw_sha: str, message: str) -> InputItem:
    return InputItem(id=item_id, source=source, raw_sha256=raw_sha, problem=f"{source}: {message}")


def _optional_str(row: dict[str, Any], name: str) -> str | None:
    """A row's optional string field; raises ValueError on a wrong type."""
    value = row.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f'"{name}" must be a string, got {type(value).__name__}')


def item_from_row(row: object, source: str, raw_sha: str) -> InputItem:
    """Validate one JSONL row (or API dict) into an InputItem; problems become problem items."""
    if not isinstance(row, dict):
        return _problem(
            source, source, raw_sha, f"row is a JSON {type(row).__name__}, not an object"
        )
    raw_id = row.get("id")
    item_id: str | None
    if raw_id is None:
        item_id = None
    elif isinstance(raw_id, str) and raw_id.strip():
        item_id = printable(raw_id)
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        item_id = str(raw_id)
    else:
        return _problem(
            source, source, raw_sha, f'"id" must be a non-empty string or integer, got {raw_id!r}'
        )
    text, html = row.get("text"), row.get("html")
    body_field = "text" if isinstance(text, str) and text.strip() else None
    if body_field is None and isinstance(html, str) and html.strip():
        body_field = "html"
    if body_field is None and isinstance(row.get("url"), str) and is_url(row["url"]):
        return _url_item(row, item_id, source, raw_sha)
    if body_field is None:
        what = "empty" if isinstance(text, str) or isinstance(html, str) else "missing"
        bad_type = (text is not None and not isinstance(text, str)) or (
            html is not None and not isinstance(html, str)
        )
        detail = '"text"/"html" must be a string' if bad_type else f'"text" and "html" are {what}'
        return _problem(item_id or source, source, raw_sha, f"row has no text: {detail}")
    body: str = row[body_field]
    try:
        title = _optional_str(row, "title")
        url = _optional_str(row, "url")
        raw_targets = row.get("targets")
        if raw_targets is None:
            targets = None
        elif isinstance(raw_targets, list) and all(isinstance(t, str) for t in raw_targets):
            targets = tuple(raw_targets)
        else:
            raise ValueError('"targets" must be a list of strings')
    except ValueError as exc:
        return _problem(item_id or source, source, raw_sha, str(exc))
    # Without an id, the content names the row: stable across re-runs and reorderings.
    item_id = item_id or sha256_text(body)[:16]
    return InputItem(
        id=item_id,
        source=source,
        raw_sha256=raw_sha,
        text=body if body_field == "text" else None,
        html=body if body_field == "html" else None,
        title=title,
        url=url,
        targets=targets,
    )


def _url_item(row: dict[str, Any], item_id: str | None, source: str, raw_sha: str) -> InputItem:
    """A row with a URL and no text or HTML: the page is fetched (the URL names the row)."""
    url = str(row["url"]).strip()
    try:
        title = _optional_str(row, "title")
        raw_targets = row.get("targets")
        if raw_targets is not None and not (
            isinstance(raw_targets, list) and all(isinstance(t, str) for t in raw_targets)
        ):
            raise ValueError('"targets" must be a list of strings')
    except ValueError as exc:
        return _problem(item_id or url, source, raw_sha, str(exc))
    targets = tuple(raw_targets) if raw_targets is not None else None
    return InputItem(
        id=item_id or url, source=source, raw_sha256=raw_sha, url=url, title=title,
        targets=targets,
    )  # fmt: skip


def is_url_list(path: Path) -> bool:
    """A `.urls` file, or a text file whose every non-blank line is one http(s) URL.

    Reading stops at the first line that is not a URL, so an article costs one line. Only a
    regular file is looked into (a pipe would be consumed, a FIFO would block), and only a
    short line can be a URL (a file without line breaks is not read whole to find out).
    """
    if path.suffix.lower() in URL_LIST_SUFFIXES:
        return True
    found = False
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return False
            while raw := handle.readline(_MAX_URL_LINE):
                line = raw.strip()
                if not line:
                    continue
                if len(raw) >= _MAX_URL_LINE or not is_url(line.decode("utf-8", "replace")):
                    return False
                found = True
    except OSError:
        return False
    return found


def iter_url_list(path: Path) -> Iterator[InputItem]:
    """One URL item per non-blank line (`#` starts a comment line); the URL is the id."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below, inside the generator
    except OSError as exc:
        yield _problem(str(path), str(path), "", f"cannot read: {exc.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            line = raw.decode("utf-8", "replace").strip()
            if not line or line.startswith("#"):
                continue
            source = f"{path}:{number}"
            raw_sha = _sha256_bytes(raw.strip())
            if not is_url(line):
                yield _problem(line[:200], source, raw_sha, f"not an http(s) URL: {line[:200]!r}")
            else:
                yield InputItem(id=line, source=source, raw_sha256=raw_sha, url=line)


def resolve_urls(items: Iterable[InputItem], fetcher: Fetcher, window: int) -> Iterator[InputItem]:
    """Fetch the pages of URL items, up to `window` at once; other items pass straight on.

    URL items come out as their fetches finish (a slow site does not hold up the rest), with
    the page attached, or with the fetch's error as their problem (an error row downstream).
    The fetcher's per-host limit keeps a list of one site's pages polite.
    """
    pending: dict[Future[Page], InputItem] = {}

    def settle(futures: Iterable[Future[Page]]) -> Iterator[InputItem]:
        for future in futures:
            item = pending.pop(future)
            try:
                yield replace(item, page=future.result())
            except InputError as exc:
                yield replace(item, problem=f"{item.source}: {item.url}: {exc.message}")

    for item in items:
        if not item.needs_fetch:
            yield item
            continue
        assert item.url is not None
        pending[fetcher.submit(item.url)] = item
        while len(pending) >= max(1, window):
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            yield from settle(done)
    while pending:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        yield from settle(done)


def iter_jsonl(stream: BinaryIO, name: str) -> Iterator[InputItem]:
    """One InputItem per non-blank line of a JSONL byte stream, read line by line.

    UTF-8 (with or without BOM), or UTF-16/UTF-32 announced by a byte-order mark: such a
    file was split at each 0x0A byte and one row became two error rows (issue 12). A line
    over linereader.MAX_LINE_BYTES, or nested too deep for the JSON parser, is an error row;
    the rows after it are read as usual.
    """
    first = stream.read(4)
    encoding = bom_encoding(first)
    if encoding is None:
        raw_lines = linereader.binary_lines(stream, first)
    else:
        raw_lines = linereader.text_lines(stream, first, encoding)
    for number, raw in enumerate(raw_lines, 1):
        source = f"{name}:{number}"
        if raw is None:
            yield _problem(
                source, source, "", f"line is over {linereader.MAX_LINE_BYTES:,} bytes; skipped"
            )
            continue
        if not raw.strip():
            continue
        raw_sha = _sha256_bytes(raw.rstrip(b"\r\n"))
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield _problem(source, source, raw_sha, f"not valid UTF-8 (byte {exc.start})")
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            yield _problem(source, source, raw_sha, f"not valid JSON ({exc})")
            continue
        except RecursionError:
            yield _problem(source, source, raw_sha, "JSON nested too deeply to read")
            continue
        yield item_from_row(row, source, raw_sha)


def _walk(root: Path, errors: list[OSError]) -> Iterator[Path]:
    """Files under root in a stable (sorted) order, skipping hidden files and folders.

    Symlinks to folders are not followed (a link to a parent would loop for ever); folders
    that cannot be listed are appended to `errors` for the caller to report.
    """
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _resolved(path: Path) -> Path | None:
    """path.resolve(), or None when it cannot be resolved (a symlink loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" before Python 3.13
        return None


def _unreadable(path: Path) -> str | None:
    """Why a file found in a folder walk cannot be an article, or None when it can be read.

    Checked before opening: a FIFO would block the walk, a device could be read without end,
    and a symlink loop would end the batch with a traceback (issue 12).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "cannot read: a symlink loop (the link points back to itself)"
        return f"cannot read: {exc.strerror or type(exc).__name__}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, device or socket); skipped"
    return None


def iter_directory(root: Path, *, skip: Path | None = None) -> Iterator[InputItem]:
    """Article files (id: path relative to root without suffix), JSONL and URL-list files.

    One item per file the walk picks up, readable or not: a file that cannot be read, a
    symlink loop, a pipe or a folder that cannot be listed is an item with a `problem`.
    """
    errors: list[OSError] = []
    for path in _walk(root, errors):
        yield from _walk_errors(errors)
        suffix = path.suffix.lower()
        url_list = suffix in URL_LIST_SUFFIXES
        if not url_list and suffix not in JSONL_SUFFIXES and suffix not in ARTICLE_SUFFIXES:
            continue
        if skip is not None and _resolved(path) == skip:
            continue  # the batch's own output file, when it lives inside an input folder
        problem = _unreadable(path)
        source = printable(str(path))  # a file name need not be valid UTF-8
        if suffix in JSONL_SUFFIXES or url_list:
            if problem is not None:
                yield _problem(source, source, "", problem)
            elif url_list:
                yield from iter_url_list(path)
            else:
                yield from _iter_jsonl_file(path)
        elif problem is None and suffix in _TEXT_SUFFIXES and is_url_list(path):
            yield from iter_url_list(path)
        else:
            item_id = printable(path.relative_to(root).with_suffix("").as_posix())
            if problem is not None:
                yield _problem(item_id, source, "", problem)
            else:
                yield InputItem(id=item_id, source=source, path=path)
    yield from _walk_errors(errors)


def _walk_errors(errors: list[OSError]) -> Iterator[InputItem]:
    """Problem items for folders the walk could not list (and forget them)."""
    while errors:
        exc = errors.pop(0)
        where = str(exc.filename or "?")
        yield _problem(where, where, "", f"cannot list folder: {exc.strerror or exc}")


def _iter_jsonl_file(path: Path) -> Iterator[InputItem]:
    source = printable(str(path))
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the with below, inside the generator
    except OSError as exc:
        yield _problem(source, source, "", f"cannot read: {exc.strerror}")
        return
    with handle:
        yield from iter_jsonl(handle, source)


def check_inputs(inputs: Sequence[str]) -> None:
    """Refuse input paths that do not exist, before any work (and any spending) starts."""
    if not inputs:
        raise InputError("no input given")
    missing = [p for p in inputs if p != "-" and not Path(p).exists()]
    loops = [p for p in missing if Path(p).is_symlink()]
    if loops:
        raise InputError(f"a symlink that leads nowhere or loops: {', '.join(loops)}")
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}")
    if inputs.count("-") > 1:
        raise InputError("standard input (-) can be given only once")


def iter_inputs(
    inputs: Sequence[str], *, stdin: BinaryIO | None = None, output: Path | None = None
) -> Iterator[InputItem]:
    """Stream InputItems from paths: folders, JSONL files, article files, or - (JSONL on stdin).

    `output`, the batch's own output file, is never read as input: given by name it is an
    error (the batch would read its own rows), inside an input folder it is skipped.
    """
    check_inputs(inputs)
    skip = _resolved(output) if output is not None else None
    if skip is not None and any(p != "-" and _resolved(Path(p)) == skip for p in inputs):
        raise InputError(f"the output file {output} is also an input")
    for given in inputs:
        if given == "-":
            yield from iter_jsonl(stdin if stdin is not None else sys.stdin.buffer, STDIN_NAME)
            continue
        path = Path(given)
        if path.is_dir():
            yield from iter_directory(path, skip=skip)
        elif path.suffix.lower() in JSONL_SUFFIXES:
            yield from _iter_jsonl_file(path)
        elif path.suffix.lower() not in HTML_SUFFIXES and is_url_list(path):
            yield from iter_url_list(path)
        else:
            yield InputItem(id=printable(path.stem), source=printable(given), path=path)


def items_from_objects(objects: Iterable[Article | str | dict[str, Any]]) -> Iterator[InputItem]:
    """InputItems for the Python API: Articles as they are, strings as text, dicts as rows."""
    for number, obj in enumerate(objects, 1):
        source = f"item {number}"
        if isinstance(obj, Article):
            # Article(...) built directly may have no id; it is then named by its content.
            item_id = obj.id or obj.sha256[:16]
            yield InputItem(id=item_id, source=source, raw_sha256=obj.sha256, article=obj)
        elif isinstance(obj, str):
            if obj.strip():
                item_id = sha256_text(obj)[:16]
                yield InputItem(id=item_id, source=source, raw_sha256=sha256_text(obj), text=obj)
            else:
                yield _problem(source, source, "", "article text is empty or whitespace only")
        elif isinstance(obj, dict):
            try:
                raw_sha = sha256_text(json.dumps(obj, sort_keys=True, default=str))
            except (ValueError, TypeError, RecursionError) as exc:  # cycles, deep nesting
                yield _problem(source, source, "", f"row cannot be read as JSON data ({exc})")
                continue
            yield item_from_row(obj, source, raw_sha)
        else:
            message = f"expected an Article, str or dict, got {type(obj).__name__}"
            yield _problem(source, source, "", message)
