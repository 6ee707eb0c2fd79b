"""Stage 1, ingest: files and folders in, ``RawDocument``s (or ``Skip``s) out.

Reads ``.txt``, ``.html``/``.htm``, ``.jsonl`` (one record per line: ``id``, ``text`` or ``html``,
optional ``date``, ``url``, ``title``, ``source``) and ``.warc``/``.warc.gz`` (HTML responses).
``doc_id`` is the record's id, else the file's stem. A sidecar metadata CSV (``doc_id,date`` and
optionally ``url,title,source``) gives publication dates; the rest of the date cascade (HTML
metadata, a dateline) runs in the clean stage, which sees the text.

Nothing here raises for a bad input: every input ends as a ``RawDocument`` or a ``Skip`` with a
reason, and one bad file never stops the others.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dyad.errors import InputError, MalformedInput, TooLarge, UnreadableInput
from dyad.types import RawDocument, Skip, SkipReason

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES

# A text file in which more than this share of characters are control characters is binary.
MAX_CONTROL_SHARE = 0.02
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HTML_SNIFF_RE = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<div|<p[ >]|<article)", re.I)


@dataclass(frozen=True, slots=True)
class MetaRow:
    date: dt.date | None
    url: str | None = None
    title: str | None = None
    source: str | None = None


def load_meta(path: str | os.PathLike[str]) -> dict[str, MetaRow]:
    """Read a sidecar metadata CSV: ``doc_id,date[,url,title,source]``.

    Raises ``InputError`` naming the line of a bad row: this file steers the whole run, so a
    mistake in it is reported before anything is processed.
    """
    rows: dict[str, MetaRow] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fields = set(reader.fieldnames or [])
            if not {"doc_id", "date"} <= fields:
                raise InputError(
                    f"{path}: metadata CSV needs columns doc_id,date; has {sorted(fields)}"
                )
            for n, row in enumerate(reader, start=2):
                doc_id = (row.get("doc_id") or "").strip()
                if not doc_id:
                    raise InputError(f"{path}:{n}: empty doc_id")
                raw_date = (row.get("date") or "").strip()
                date = parse_iso_date(raw_date) if raw_date else None
                if raw_date and date is None:
                    raise InputError(f"{path}:{n}: date {raw_date!r} is not YYYY-MM-DD")
                rows[doc_id] = MetaRow(
                    date=date,
                    url=(row.get("url") or "").strip() or None,
                    title=(row.get("title") or "").strip() or None,
                    source=(row.get("source") or "").strip() or None,
                )
    except OSError as e:
        raise InputError(f"cannot read metadata file {path}: {e}") from e
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: not a readable UTF-8 CSV: {e}") from e
    return rows


def parse_iso_date(value: str) -> dt.date | None:
    """``2018-09-05`` or an ISO timestamp starting with it; None when it is neither."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Skip]:
    """Every file under the given paths, in a stable order; unreadable paths become Skips.

    Symbolic links to folders are not followed (no loops); a link to a file is read.
    """
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                for folder, dirs, files in os.walk(path, onerror=None):
                    dirs.sort()
                    for name in sorted(files):
                        if not name.startswith("."):
                            yield Path(folder) / name
            elif path.exists():
                yield path
            elif path.is_symlink():
                yield Skip(str(path), SkipReason.UNREADABLE, "broken or looping symbolic link")
            else:
                yield Skip(str(path), SkipReason.UNREADABLE, "no such file or folder")
        except OSError as e:
            yield Skip(str(path), SkipReason.UNREADABLE, f"cannot list: {e.strerror or e}")


def read_inputs(
    paths: Iterable[str | os.PathLike[str]],
    meta: dict[str, MetaRow] | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[RawDocument | Skip]:
    """Read every article under ``paths``; yield a RawDocument or a Skip for each input."""
    meta = meta or {}
    for item in iter_files(paths):
        if isinstance(item, Skip):
            yield item
            continue
        for out in read_file(item, max_bytes):
            yield _with_meta(out, meta) if isinstance(out, RawDocument) else out


def read_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Skip]:
    """One file's documents. Never raises for bad content."""
    name = path.name.lower()
    origin = str(path)
    try:
        if name.endswith(JSONL_SUFFIXES):
            yield from _read_jsonl(path, max_bytes)
        elif name.endswith(WARC_SUFFIXES):
            yield from _read_warc(path, max_bytes)
        elif name.endswith(TEXT_SUFFIXES + HTML_SUFFIXES):
            data = _read_bytes(path, max_bytes)
            is_html = name.endswith(HTML_SUFFIXES)
            text = decode_html(data) if is_html else decode_text(data)
            if not is_html and _HTML_SNIFF_RE.match(text[:500]):
                is_html = True  # a .txt that is really a saved web page
            yield RawDocument(doc_id=doc_id_for(path), origin=origin, body=text, is_html=is_html)
        else:
            suffix = "".join(path.suffixes[-2:]) or "(none)"
            yield Skip(origin, SkipReason.UNSUPPORTED, f"file type {suffix} is not read")
    except TooLarge as e:
        yield Skip(origin, SkipReason.TOO_LARGE, str(e), doc_id=doc_id_for(path))
    except MalformedInput as e:
        yield Skip(origin, SkipReason.MALFORMED, str(e), doc_id=doc_id_for(path))
    except _Binary as e:
        yield Skip(origin, SkipReason.BINARY, str(e), doc_id=doc_id_for(path))
    except _Undecodable as e:
        yield Skip(origin, SkipReason.UNDECODABLE, str(e), doc_id=doc_id_for(path))
    except (UnreadableInput, OSError) as e:
        detail = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        yield Skip(origin, SkipReason.UNREADABLE, f"cannot read: {detail}")


def doc_id_for(path: Path) -> str:
    name = path.name
    for suffix in sorted(SUPPORTED, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)] or name
    return path.stem or name


def _with_meta(doc: RawDocument, meta: dict[str, MetaRow]) -> RawDocument:
    row = meta.get(doc.doc_id)
    if row is None:
        return doc
    return RawDocument(
        doc_id=doc.doc_id,
        origin=doc.origin,
        body=doc.body,
        is_html=doc.is_html,
        date=row.date or doc.date,
        date_source="meta" if row.date else doc.date_source,
        url=row.url or doc.url,
        title=row.title or doc.title,
        source=row.source or doc.source,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise TooLarge(f"{size:,} bytes is over the limit of {max_bytes:,}")
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while we looked, or a special file
        raise TooLarge(f"over the limit of {max_bytes:,} bytes")
    if path.name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        raise MalformedInput("compressed file with a text or HTML suffix")
    return data


class _Binary(InputError):
    pass


class _Undecodable(InputError):
    pass


def decode_text(data: bytes) -> str:
    """Decode text in any encoding that can be recognised; raise for binary data.

    Order: a byte-order mark, strict UTF-8, then charset-normalizer's best guess.
    """
    if not data.strip():
        return ""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc))
            except UnicodeDecodeError as e:
                raise _Undecodable(
                    f"starts with a {enc} byte-order mark but is not {enc}: {e}"
                ) from e
    if b"\x00" not in data:
        try:
            return _check_text(data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise _Binary("no text encoding fits these bytes")
    if b"\x00" in data and "16" not in best.encoding and "32" not in best.encoding:
        raise _Binary("contains NUL bytes")
    try:
        return _check_text(data.decode(best.encoding))
    except (UnicodeDecodeError, LookupError) as e:
        raise _Undecodable(f"guessed {best.encoding}, which does not decode it: {e}") from e


def _check_text(text: str) -> str:
    sample = text[:100_000]
    if sample:
        control = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
        if control / len(sample) > MAX_CONTROL_SHARE:
            raise _Binary(f"{control} control characters in the first {len(sample)}: not text")
    return text


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode an HTML page by its declared charset (HTTP header, then meta tag), else sniff."""
    for enc in (declared, _meta_charset(data)):
        if enc:
            try:
                return _check_text(data.decode(_normalise_charset(enc)))
            except (UnicodeDecodeError, LookupError):
                continue
    return decode_text(data)


def _meta_charset(data: bytes) -> str | None:
    m = _CHARSET_RE.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


def _normalise_charset(enc: str) -> str:
    enc = enc.strip().lower()
    # Browsers treat latin-1 and ascii declarations as windows-1252 (WHATWG encoding standard).
    return "cp1252" if enc in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else enc


def read_jsonl_lines(
    path: str | Path,
    first: int,
    last: int,
    meta: dict[str, MetaRow] | None = None,
    max_bytes: int = 5_000_000,
) -> Iterator[RawDocument | Skip]:
    """Records ``first`` to ``last`` (1-based line numbers, inclusive) of a JSONL file: a
    partition of a large file for a distributed run."""
    meta = meta or {}
    try:
        for out in _read_jsonl(Path(path), max_bytes, first, last):
            yield _with_meta(out, meta) if isinstance(out, RawDocument) else out
    except OSError as e:
        yield Skip(f"{path}#{first}", SkipReason.UNREADABLE, f"cannot read: {e.strerror or e}")


def count_lines(path: str | Path) -> int:
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    n = 0
    last = b"\n"
    try:
        with opener(path, "rb") as f:
            while chunk := f.read(1 << 20):
                n += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error):
        return n + 1  # read what can be read; the reader records the damage
    return n + (last != b"\n")  # a last line without its newline counts too


def _read_jsonl(
    path: Path, max_bytes: int, first: int = 1, last: int | None = None
) -> Iterator[RawDocument | Skip]:
    stem = doc_id_for(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    records = 0
    with opener(path, "rb") as f:
        n = 0
        while True:
            if last is not None and n >= last:
                return
            try:
                line = f.readline(max_bytes + 1)
            except (OSError, EOFError, zlib.error) as e:
                yield Skip(f"{path}#{n + 1}", SkipReason.MALFORMED, f"file ends badly: {e}")
                return
            if not line:
                if records == 0 and first == 1 and (last is None or n < last):
                    # an empty file is an input too: it is accounted for, not silently passed
                    yield Skip(str(path), SkipReason.EMPTY, "no records", doc_id=stem)
                return
            n += 1
            origin = f"{path}#{n}"
            if len(line) > max_bytes:
                # Skip the rest of an oversized line without holding it in memory.
                while line and not line.endswith(b"\n"):
                    line = f.readline(1 << 20)
                if n >= first:
                    records += 1
                    yield Skip(origin, SkipReason.TOO_LARGE, f"record over {max_bytes:,} bytes")
                continue
            if not line.strip() or n < first:
                continue
            records += 1
            yield _jsonl_record(line, origin, default_id=f"{stem}-{n}")


def _jsonl_record(line: bytes, origin: str, default_id: str) -> RawDocument | Skip:
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return Skip(origin, SkipReason.MALFORMED, f"not a JSON line: {e}")
    if not isinstance(record, dict):
        return Skip(origin, SkipReason.MALFORMED, f"a JSON {type(record).__name__}, not an object")
    rid = record.get("id", default_id)
    if not isinstance(rid, str | int) or isinstance(rid, bool) or str(rid).strip() == "":
        return Skip(origin, SkipReason.MALFORMED, f"id must be a string or number, not {rid!r}")
    doc_id = str(rid).strip()
    text, html = record.get("text"), record.get("html")
    body = text if text is not None else html
    if body is None:
        return Skip(origin, SkipReason.MALFORMED, "record has neither text nor html", doc_id=doc_id)
    if not isinstance(body, str):
        field = "text" if text is not None else "html"
        return Skip(origin, SkipReason.MALFORMED, f"{field} must be a string", doc_id=doc_id)
    for key in ("date", "url", "title", "source"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return Skip(origin, SkipReason.MALFORMED, f"{key} must be a string", doc_id=doc_id)
    date = parse_iso_date(record["date"]) if record.get("date") else None
    return RawDocument(
        doc_id=doc_id,
        origin=origin,
        body=body,
        is_html=text is None,
        date=date,
        date_source="record" if date else None,
        url=record.get("url"),
        title=record.get("title"),
        source=record.get("source"),
    )


def _read_warc(path: Path, max_bytes: int) -> Iterator[RawDocument | Skip]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    failed = False
    with open(path, "rb") as f:
        try:
            for record in ArchiveIterator(f, arc2warc=True):
                n += 1
                if record.rec_type != "response":
                    continue
                yield _warc_record(record, path, n, max_bytes)
        except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as e:
            failed = True
            yield Skip(
                f"{path}#{n + 1}",
                SkipReason.MALFORMED,
                f"archive ends badly after {n} records: {e}",
            )
    if n == 0 and not failed:
        yield Skip(str(path), SkipReason.MALFORMED, "no WARC records", doc_id=doc_id_for(path))
    elif not failed and path.name.lower().endswith(".gz") and not _gzip_complete(path):
        # warcio reads a cut gzip member without complaint: the records after the cut are lost.
        yield Skip(
            f"{path}#{n + 1}",
            SkipReason.MALFORMED,
            f"archive is truncated (the compressed stream ends early) after {n} readable records",
        )


def _gzip_complete(path: Path) -> bool:
    try:
        with gzip.open(path, "rb") as g:
            while g.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return False
    return True


def _warc_record(record: Any, path: Path, n: int, max_bytes: int) -> RawDocument | Skip:
    origin = f"{path}#{n}"
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    rid = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    doc_id = rid.removeprefix("urn:uuid:") or f"{doc_id_for(path)}-{n}"
    http = record.http_headers
    status = http.get_statuscode() if http else None
    ctype = (http.get_header("Content-Type") or "") if http else ""
    if status and status != "200":
        return Skip(
            origin, SkipReason.UNSUPPORTED, f"HTTP status {status} for {url}", doc_id=doc_id
        )
    if "html" not in ctype.lower():
        return Skip(
            origin, SkipReason.UNSUPPORTED, f"not HTML ({ctype or 'no type'}): {url}", doc_id=doc_id
        )
    stream = record.content_stream()
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Skip(
            origin, SkipReason.TOO_LARGE, f"response over {max_bytes:,} bytes", doc_id=doc_id
        )
    if getattr(record.raw_stream, "limit", 0) > 0:
        missing = record.raw_stream.limit
        return Skip(
            origin,
            SkipReason.MALFORMED,
            f"record cut short ({missing} bytes missing): {url}",
            doc_id=doc_id,
        )
    charset = None
    m = re.search(r"charset=([\w\-:.]+)", ctype, re.I)
    if m:
        charset = m.group(1)
    try:
        body = decode_html(data, charset)
    except _Binary as e:
        return Skip(origin, SkipReason.BINARY, str(e), doc_id=doc_id)
    except _Undecodable as e:
        return Skip(origin, SkipReason.UNDECODABLE, str(e), doc_id=doc_id)
    crawl = parse_iso_date(headers.get_header("WARC-Date") or "")
    return RawDocument(
        doc_id=doc_id,
        origin=origin,
        body=body,
        is_html=True,
        date=crawl,
        date_source="crawl" if crawl else None,
        url=url,
    )


__all__ = ["MetaRow", "decode_html", "decode_text", "load_meta", "read_file", "read_inputs"]
