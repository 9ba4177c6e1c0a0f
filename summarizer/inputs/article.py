"""The input side: an Article, and turning raw bytes or strings into safe, line-addressable text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import InputError
from ..lines import split_lines
from ..schemas import SourceMetadata

# Above this share of control characters a "text" is really a binary blob.
_MAX_CONTROL_SHARE = 0.10
DEFAULT_MAX_INPUT_CHARS = 2_000_000


# Unpaired UTF-16 surrogates: a Python str can hold them (a JSON "\\udcff" escape, a file name
# decoded with surrogateescape), no encoding can write them, and one in a row's id made the
# batch fail while writing that row.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(value: str) -> str:
    """value, with any unpaired surrogate written as a backslash escape (for ids and names)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def replace_surrogates(text: str) -> tuple[str, str | None]:
    """text with unpaired surrogates replaced by U+FFFD, and a note saying so (else None)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        found = len(_SURROGATE.findall(text))
        return _SURROGATE.sub("\ufffd", text), (
            f"input text holds {found} unpaired surrogate code point(s), which no encoding "
            "can represent; replaced with U+FFFD"
        )
    return text, None


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the UTF-8 encoding of text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _control_share(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return bad / len(sample)


# Byte-order marks and the encodings they announce; UTF-32 first, since the UTF-32-LE mark
# begins with the UTF-16-LE one. Python's "utf-16"/"utf-32" codecs read the mark and drop it.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a UTF-16 or UTF-32 byte-order mark at the start of data announces."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding
    return None


def decode_labelled(data: bytes, *, article_id: str | None, what: str) -> str | int:
    """The text when the bytes say what they are, else where UTF-8 first fails.

    What says itself: a UTF-16 or UTF-32 byte-order mark (decoded as announced; wrong bytes
    after it raise InputError) or valid UTF-8 (with or without BOM). NUL bytes without a
    mark mean binary content: InputError. Otherwise the offset of the first byte that is not
    UTF-8, for the caller's own fallback (charset detection; for HTML, its declared charset).
    `what` names the input in messages ("input", "HTML input").
    """
    marked = bom_encoding(data)
    if marked is not None:
        try:
            return data.decode(marked)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{what} starts with a {marked.upper()} byte-order mark but is not valid "
                f"{marked.upper()} (byte {exc.start})",
                article_id=article_id,
            ) from None
    if b"\x00" in data[:65536]:
        raise InputError(
            f"{what} looks binary (contains NUL bytes), not text", article_id=article_id
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return exc.start


def decode_bytes(data: bytes, *, article_id: str | None = None) -> tuple[str, str | None]:
    """Decode input bytes; return the text and a note when it was not clean UTF-8.

    UTF-8 (with or without BOM) is taken as is, and so is UTF-16 or UTF-32 that starts with
    its byte-order mark (a well-labelled encoding, not a problem to flag; issue 12 found such
    files rejected as binary for their NUL bytes). Anything else is decoded by charset
    detection, and the note says so, so the caller can flag it instead of hiding it.
    Binary content raises InputError.
    """
    got = decode_labelled(data, article_id=article_id, what="input")
    if isinstance(got, str):
        return got, None
    first_bad = got
    best = from_bytes(data).best()
    if best is not None and best.encoding not in {"utf_8", "utf-8"}:
        text = str(best)
        note = f"input is not valid UTF-8 (byte {first_bad}); decoded as {best.encoding}"
    else:
        text = data.decode("utf-8", errors="replace")
        note = (
            f"input is not valid UTF-8 (byte {first_bad}); undecodable bytes replaced with U+FFFD"
        )
    return text, note


def check_text(
    text: str, *, article_id: str | None = None, max_chars: int = DEFAULT_MAX_INPUT_CHARS
) -> str:
    """Reject text that cannot be an article: empty, binary, or over the size limit."""
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__}", article_id=article_id)
    if not text.strip():
        raise InputError("article text is empty or whitespace only", article_id=article_id)
    if "\x00" in text or _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError("input looks binary (control characters), not text", article_id=article_id)
    if len(text) > max_chars:
        raise InputError(
            f"article is {len(text):,} characters, over the limit of {max_chars:,} "
            "(raise max_input_chars to allow it)",
            article_id=article_id,
        )
    return text


def normalize_targets(
    targets: Iterable[str] | None, *, article_id: str | None = None
) -> tuple[str, ...]:
    """Fold whitespace in each target and check the list; raise InputError on a duplicate.

    Two targets that are the same name up to case and spacing ("Iran", "iran ") used to be
    merged silently, so a caller got fewer stance entries than names asked for and could not
    tell which one was answered (issue 12). The record promises one requested stance per
    target, in the caller's order; a duplicate is refused instead, naming both spellings.
    """
    if targets is None:
        return ()
    if isinstance(targets, str):
        raise InputError("targets must be a list of names, not one string", article_id=article_id)
    seen: dict[str, str] = {}
    out: list[str] = []
    for raw in targets:
        if not isinstance(raw, str):
            raise InputError(f"target {raw!r} is not a string", article_id=article_id)
        name = " ".join(printable(raw).split())
        if not name:
            raise InputError("a target is empty or whitespace only", article_id=article_id)
        if len(name) > 120:
            raise InputError(
                f"target {name[:40]!r}... is longer than 120 characters", article_id=article_id
            )
        key = name.casefold()
        if key in seen:
            same = "twice" if seen[key] == name else f"twice ({seen[key]!r} and {name!r})"
            raise InputError(
                f"targets name {seen[key]!r} {same}; give each target once",
                article_id=article_id,
            )
        seen[key] = name
        out.append(name)
    if len(out) > 20:
        raise InputError(f"{len(out)} targets given; at most 20 per article", article_id=article_id)
    return tuple(out)


@dataclass(frozen=True)
class Article:
    """One article as given by the caller. `text` is kept exactly; line numbers refer to it."""

    text: str
    id: str = ""
    title: str | None = None
    url: str | None = None
    targets: tuple[str, ...] = ()
    # Notes from input handling (encoding fallback, HTML extraction) that become flags.
    input_notes: tuple[str, ...] = ()
    # For HTML input: the 1-based lines of `text` that the extractor judged to be the article.
    main_lines: tuple[int, ...] | None = None
    # For HTML input: what the page's markup says of its source (authors, dates, publisher).
    source: SourceMetadata | None = None

    @property
    def sha256(self) -> str:
        """Hash of the text, used for ids, resume and cache keys."""
        return sha256_text(self.text)

    @property
    def lines(self) -> list[str]:
        """The input lines; line n (1-based) is lines[n - 1]."""
        return split_lines(self.text)

    @classmethod
    def create(
        cls,
        text: str,
        *,
        id: str | None = None,
        title: str | None = None,
        url: str | None = None,
        targets: Sequence[str] | None = None,
        max_chars: int = DEFAULT_MAX_INPUT_CHARS,
        input_notes: Sequence[str] = (),
        main_lines: Sequence[int] | None = None,
        source: SourceMetadata | None = None,
    ) -> Article:
        """Validate the pieces and build an Article; the id defaults to a hash of the text."""
        id = printable(id) if id else id
        checked = check_text(text, article_id=id, max_chars=max_chars)
        checked, note = replace_surrogates(checked)
        article_id = id if id else sha256_text(checked)[:16]
        title = printable(title).strip() if title else None
        return cls(
            text=checked,
            id=article_id,
            title=title or None,
            url=printable(url) if url else None,
            targets=normalize_targets(targets, article_id=article_id),
            input_notes=(*input_notes, note) if note else tuple(input_notes),
            main_lines=tuple(main_lines) if main_lines is not None else None,
            source=source,
        )
