"""Ingest: every format is read; every bad input becomes a Skip with a reason, and the good
inputs beside it are still read."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

from dyad.errors import InputError
from dyad.stages.ingest import count_lines, decode_html, decode_text, load_meta, read_inputs
from dyad.types import RawDocument, Skip, SkipReason

GOOD = "Pakistan's foreign minister met his Afghan counterpart in Kabul on Monday."


def _read(*paths: Path, **kw) -> tuple[list[RawDocument], list[Skip]]:
    docs, skips = [], []
    for item in read_inputs([str(p) for p in paths], **kw):
        (skips if isinstance(item, Skip) else docs).append(item)
    return docs, skips


def _warc(records: list[tuple[str, bytes, str]], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for url, body, ctype in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
        w.write_record(record)
        record.raw_stream.close()  # warcio spools the payload to a temporary file
    return buf.getvalue()


def test_text_file_doc_id_is_its_stem(tmp_path: Path) -> None:
    (tmp_path / "story-1.txt").write_text(GOOD, encoding="utf-8")
    docs, skips = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["story-1"] and not skips
    assert docs[0].body == GOOD and not docs[0].is_html


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1", "cp1252", "utf-8-sig"])
def test_any_decodable_encoding_is_read(tmp_path: Path, encoding: str) -> None:
    text = "Le président a rencontré le ministre à Genève. " * 5
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    docs, skips = _read(tmp_path / "a.txt")
    assert not skips and "président" in docs[0].body


def test_binary_and_empty_and_oversized_files_are_skipped_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"a" * 5000)
    (tmp_path / "ok.txt").write_text(GOOD)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    docs, skips = _read(tmp_path, max_bytes=2000)
    reasons = {Path(s.origin).name: s.reason for s in skips}
    assert reasons == {
        "bin.txt": SkipReason.BINARY,
        "big.txt": SkipReason.TOO_LARGE,
        "notes.pdf": SkipReason.UNSUPPORTED,
    }
    # An empty file is read as empty text: the clean stage skips it as empty.
    assert sorted(d.doc_id for d in docs) == ["empty", "ok"]


def test_html_charset_from_meta(tmp_path: Path) -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 talks “went well”.</p></body></html>'
    (tmp_path / "p.html").write_bytes(html.encode("cp1252"))
    docs, _ = _read(tmp_path)
    assert docs[0].is_html and "Café" in docs[0].body and "“went well”" in docs[0].body


def test_jsonl_records_and_broken_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": GOOD, "date": "2019-07-22", "url": "https://example.com/a"}),
        "{not json",
        json.dumps({"id": "b", "html": f"<p>{GOOD}</p>", "source": "Example"}),
        json.dumps({"id": "c", "text": 42}),
        json.dumps(["a list"]),
        json.dumps({"text": GOOD}),
        "",
        json.dumps({"id": {"x": 1}, "text": GOOD}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs, skips = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["a", "b", "feed-6"]
    assert docs[0].date == dt.date(2019, 7, 22) and docs[0].date_source == "record"
    assert docs[1].is_html and docs[1].source == "Example"
    assert [s.reason for s in skips] == [SkipReason.MALFORMED] * 4
    assert [s.origin.rsplit("#", 1)[1] for s in skips] == ["2", "4", "5", "8"]


def test_warc_html_responses_and_a_truncated_archive(tmp_path: Path) -> None:
    records = [
        (
            "https://example.com/1",
            f"<html><body><p>{GOOD}</p></body></html>".encode(),
            "text/html; charset=utf-8",
        ),
        ("https://example.com/logo.png", b"\x89PNG...", "image/png"),
        (
            "https://example.com/2",
            b"<html><body><p>Second story about talks.</p></body></html>",
            "text/html",
        ),
    ]
    (tmp_path / "crawl.warc.gz").write_bytes(_warc(records, gz=True))
    data = _warc(records, gz=True)
    (tmp_path / "broken.warc.gz").write_bytes(data[: len(data) - 40])
    docs, skips = _read(tmp_path / "crawl.warc.gz")
    assert [d.url for d in docs] == ["https://example.com/1", "https://example.com/2"]
    assert all(d.is_html and d.date_source == "crawl" for d in docs)
    assert [s.reason for s in skips] == [SkipReason.UNSUPPORTED]  # the PNG
    docs2, skips2 = _read(tmp_path / "broken.warc.gz")
    assert [d.url for d in docs2][:1] == ["https://example.com/1"]
    assert any(s.reason == SkipReason.MALFORMED for s in skips2)


def test_uncompressed_warc_is_read(tmp_path: Path) -> None:
    (tmp_path / "c.warc").write_bytes(
        _warc([("https://example.com/x", b"<p>Talks.</p>", "text/html")], gz=False)
    )
    docs, _ = _read(tmp_path)
    assert len(docs) == 1


def test_truncated_gzip_jsonl_keeps_the_good_lines(tmp_path: Path) -> None:
    body = "\n".join(json.dumps({"id": str(i), "text": GOOD}) for i in range(50)).encode()
    blob = gzip.compress(body)
    (tmp_path / "f.jsonl.gz").write_bytes(blob[: len(blob) // 2])
    docs, skips = _read(tmp_path)
    assert docs and skips and skips[-1].reason == SkipReason.MALFORMED


def test_missing_path_and_symlink_loop_are_skips(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(tmp_path / "loop2.txt")
    (tmp_path / "loop2.txt").symlink_to(loop)
    (tmp_path / "ok.txt").write_text(GOOD)
    docs, skips = _read(tmp_path, tmp_path / "nope.txt")
    assert [d.doc_id for d in docs] == ["ok"]
    assert {s.reason for s in skips} == {SkipReason.UNREADABLE}
    assert len(skips) == 3


def test_meta_csv_gives_dates_and_rejects_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(GOOD)
    meta = tmp_path / "meta.csv"
    meta.write_text("doc_id,date,url\ns,2018-09-05,https://example.com/s\n")
    docs, _ = _read(tmp_path / "s.txt", meta=load_meta(meta))
    assert docs[0].date == dt.date(2018, 9, 5) and docs[0].date_source == "meta" and docs[0].url
    meta.write_text("doc_id,date\ns,05/09/2018\n")
    with pytest.raises(InputError, match=r"meta\.csv:2"):
        load_meta(meta)
    meta.write_text("id,when\n")
    with pytest.raises(InputError, match="doc_id,date"):
        load_meta(meta)


def test_decoders_refuse_binary() -> None:
    from dyad.errors import InputError as Err

    with pytest.raises(Err):
        decode_text(b"\x00\x01\x02\x03" * 500)
    assert decode_html(b"<p>caf\xc3\xa9</p>") == "<p>café</p>"


def test_count_lines_counts_a_last_line_with_or_without_its_newline(tmp_path: Path) -> None:
    # (the Dask engine cuts JSONL files into partitions by this count: one too many made an
    # empty partition for every file of a multiple of 250 lines)
    for body, n in ((b"", 0), (b"{}\n", 1), (b"{}\n{}\n", 2), (b"{}\n{}", 2)):
        path = tmp_path / "a.jsonl"
        path.write_bytes(body)
        assert count_lines(path) == n, body
    gz = tmp_path / "a.jsonl.gz"
    gz.write_bytes(gzip.compress(b"{}\n" * 250))
    assert count_lines(gz) == 250
