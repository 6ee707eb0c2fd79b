"""The store: batches are atomic, writes idempotent, queries filter."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from dyad.errors import StoreError
from dyad.store import (
    SCHEMA_VERSION,
    TABLE_COLUMNS,
    EventFilter,
    Staging,
    Store,
    write_partition,
    write_rows,
)
from dyad.types import (
    Actor,
    DatePrecision,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Modality,
    QuadClass,
    Sentence,
    Skip,
    SkipReason,
    Span,
)

USA, PAK = Actor("USA", "USA", "GOV", "United States"), Actor("PAK", "PAK", "GOV", "Pakistan")


def event(
    doc_id: str,
    n: int,
    src: Actor = USA,
    tgt: Actor = PAK,
    plover: str = "SANCTION",
    day: dt.date = dt.date(2018, 9, 2),
    modality: Modality = Modality.ASSERTED,
) -> Event:
    return Event(
        event_id=f"e-{src.code}-{tgt.code}-{plover}-{day}-{modality.value}",
        mention_id=f"{doc_id}-{n}",
        doc_id=doc_id,
        date=EventDate(day, DatePrecision.DAY, "Sunday"),
        plover=plover,
        mode=None,
        cameo="162",
        goldstein=-5.6,
        quad_class=QuadClass.MATERIAL_CONFLICT,
        source=src,
        target=tgt,
        source_text="the Pentagon",
        target_text="Pakistan",
        location=None,
        sentence="The Pentagon cancelled $300 million in aid to Pakistan.",
        start=0,
        end=56,
        trigger="cancelled aid",
        modality=modality,
    )


def result(doc_id: str, events: list[Event], content: str = "x") -> DocumentResult:
    text = "The Pentagon cancelled $300 million in aid to Pakistan."
    doc = Document(
        doc_id,
        f"{doc_id}.txt",
        text,
        f"hash-{doc_id}-{content}",
        (Span(0, len(text)),),
        date=dt.date(2018, 9, 5),
        date_source="meta",
        raw_hash=f"raw-{doc_id}-{content}",
    )
    return DocumentResult(doc, (Sentence(doc_id, 0, 0, len(text), text),), tuple(events))


def test_write_then_read_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write(
            [result("a", [event("a", 0)]), result("b", [event("b", 0)])],
            [Skip("c.txt", SkipReason.NOT_ENGLISH, "language is fr", "c")],
        )
        ((e, mentions),) = list(store.events())
        assert (
            mentions == 2
            and e.source == USA
            and e.target == PAK
            and e.date.date == dt.date(2018, 9, 2)
        )
        assert len(list(store.mentions())) == 2
        stats = store.stats()
        assert stats["documents"] == 2 and stats["events"] == 1 and stats["mentions"] == 2
        assert stats["skips_by_reason"] == {"not_english": 1}
        assert stats["top_dyads"] == [("USA", "PAK", 1)]


def test_rewriting_the_same_batch_adds_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        batch = [result("a", [event("a", 0)])]
        store.write(batch)
        before = store.query(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM mentions), (SELECT count(*) FROM events)"
        )
        store.write(batch)
        assert (
            store.query(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM mentions), (SELECT count(*) FROM events)"
            )
            == before
        )


def test_a_changed_document_replaces_its_old_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write([result("a", [event("a", 0)])])
        store.write([result("a", [event("a", 1, plover="ACCUSE")], content="v2")])
        assert [e.plover for e, _ in store.events()] == ["ACCUSE"]
        assert store.document_hashes() == {"a": ("raw-a-v2", "hash-a-v2")}


def test_filters_and_modality(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.write(
            [
                result(
                    "a",
                    [
                        event("a", 0),
                        event("a", 1, src=PAK, tgt=USA, plover="ACCUSE", day=dt.date(2019, 1, 1)),
                        event("a", 2, plover="THREATEN", modality=Modality.HYPOTHETICAL),
                    ],
                )
            ]
        )
        assert store.count_events() == 2
        assert store.count_events(EventFilter(all_modalities=True)) == 3
        assert store.count_events(EventFilter(dyad=("USA", "PAK"))) == 1
        assert store.count_events(EventFilter(dyad=("USA", "PAK"), undirected=True)) == 2
        assert store.count_events(EventFilter(since=dt.date(2018, 12, 1))) == 1
        assert store.count_events(EventFilter(plover=("ACCUSE",))) == 1
        assert store.count_events(EventFilter(text="cancelled")) == 2
        assert store.count_events(EventFilter(text="100%_'; DROP TABLE events;--")) == 0
        # % and _ are literal: "$300" matches, "$3_0" and "300%" do not
        assert store.count_events(EventFilter(text="$300")) == 2
        assert store.count_events(EventFilter(text="$3_0")) == 0
        assert store.count_events(EventFilter(text="300%")) == 0
        assert store.count_events() == 2


def test_failed_batch_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        bad = result("a", [event("a", 0)])
        dup = result("a", [event("a", 1)])  # the same doc_id twice in one batch: a key conflict
        with pytest.raises(StoreError):
            store.write([bad, dup])
        assert store.query("SELECT count(*) FROM documents") == [(0,)]
        assert store.query("SELECT count(*) FROM mentions") == [(0,)]


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "none.duckdb", read_only=True)
    Store(tmp_path / "s.duckdb").close()
    with Store(tmp_path / "s.duckdb", read_only=True) as ro:
        assert ro.stats()["documents"] == 0


def test_text_search_is_literal(tmp_path: Path) -> None:
    import dataclasses

    cut = dataclasses.replace(
        event("p", 0, day=dt.date(2019, 1, 1)), sentence="Aid to Pakistan was cut by 50% (in_full)."
    )
    with Store(tmp_path / "s.duckdb") as store:
        store.write([result("p", [cut])], [], "run")
        assert store.count_events(EventFilter(text="50%")) == 1
        assert store.count_events(EventFilter(text="in_full")) == 1
        assert store.count_events(EventFilter(text="50%x")) == 0
        assert store.count_events(EventFilter(text="in full")) == 0


def test_a_write_out_of_memory_says_which_setting_to_raise(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb", memory_mb=64)
    store.con.execute("SET memory_limit = '1MB'")  # far below what any write needs
    rows: dict[str, list] = {t: [] for t in TABLE_COLUMNS}
    rows["sentences"] = [("d", i, 0, 1, "x" * 200, True) for i in range(200_000)]
    write_rows(rows, tmp_path / "part")
    with pytest.raises(StoreError, match="store_memory_mb"):
        store.merge_partition(tmp_path / "part")
    store.close()


def test_staged_parts_merge_at_the_end_and_a_killed_runs_parts_at_the_next_start(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        staging = Staging(store, "killed")
        staging.add([result("a", [event("a", 0)])], [Skip("x.bin", SkipReason.BINARY, "binary")])
        staging.flush()
        staging.add([result("b", [event("b", 0)])])  # never flushed: lost with the process
        (staging.folder / ".part-000001.tmp").mkdir()  # a part being written at the kill
        assert store.stats()["documents"] == 0  # nothing is in the store before the merge
    root = tmp_path / "s.duckdb.staging"
    assert root.is_dir()
    with Store(db) as store:
        assert store.merge_staged() == 1
        assert [r[0] for r in store.query("SELECT doc_id FROM documents")] == ["a"]
        assert [s.origin for s in store.skips()] == ["x.bin"]
        assert store.count_events() == 1
        assert not root.exists()
        # A new run's parts merge in order: the later version of a document wins.
        staging = Staging(store, "next")
        staging.add([result("b", [event("b", 0)])])
        staging.flush()
        staging.add([result("b", [event("b", 0, plover="ACCUSE")], content="v2")])
        staging.merge()
        rows = store.query("SELECT doc_id, content_hash FROM documents ORDER BY doc_id")
        assert rows == [("a", "hash-a-x"), ("b", "hash-b-v2")]
        assert store.query("SELECT plover FROM events ORDER BY plover") == [
            ("ACCUSE",),
            ("SANCTION",),
        ]
        assert not root.exists()


def test_merging_a_part_twice_adds_nothing(tmp_path: Path) -> None:
    write_partition(
        [result("a", [event("a", 0), event("a", 1, plover="ACCUSE")])],
        [Skip("x.bin", SkipReason.BINARY, "binary")],
        tmp_path / "part",
        "run",
    )
    with Store(tmp_path / "s.duckdb") as store:
        store.merge_partition(tmp_path / "part")
        once = store.fingerprint()
        store.merge_partition(tmp_path / "part")
        assert store.fingerprint() == once
        assert once["mentions"][0] == 2 and once["skips"][0] == 1


def _articles(folder: Path, n: int) -> Path:
    """``n`` one-sentence articles, each a different document."""
    folder.mkdir()
    for i in range(n):
        (folder / f"{i}.txt").write_text(
            f"Pakistan's foreign minister met his Chinese counterpart in Beijing, article {i}.\n"
        )
    return folder


def test_an_interrupted_run_keeps_what_it_coded(tmp_path: Path, pipeline) -> None:
    from dyad.api import run

    corpus = _articles(tmp_path / "in", 6)

    def stop(inputs: int, documents: int, events: int) -> None:
        if documents == 3:
            raise KeyboardInterrupt

    settings = pipeline.settings.replace(batch_size=1)
    with pytest.raises(KeyboardInterrupt):
        run([corpus], tmp_path / "s.duckdb", settings=settings, pipeline=pipeline, progress=stop)
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        assert store.stats()["documents"] == 3  # coded before the interrupt, of 6
        assert store.query("SELECT status FROM runs") == [("failed",)]
    assert not (tmp_path / "s.duckdb.staging").exists()


def test_a_run_says_when_coding_ends_and_storing_begins(tmp_path: Path, pipeline) -> None:
    from dyad.api import run

    seen: list[str] = []
    run(
        [_articles(tmp_path / "in", 3)],
        tmp_path / "s.duckdb",
        pipeline=pipeline,
        progress=lambda inputs, documents, events: seen.append(f"{documents} documents"),
        storing=lambda: seen.append("storing"),
    )
    assert seen[-2:] == ["3 documents", "storing"] and seen.count("storing") == 1


def test_a_staged_part_that_cannot_be_read_says_how_to_give_up_on_it(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        staging = Staging(store, "run")
        staging.add([result("a", [event("a", 0)])])
        staging.flush()
        (staging.folder / "part-000000" / "documents.parquet").write_bytes(b"not parquet")
        with pytest.raises(StoreError, match=r"delete .*part-000000.* codes its documents again"):
            store.merge_staged()
        shutil.rmtree(staging.folder / "part-000000")
        assert store.merge_staged() == 0
        assert store.stats()["documents"] == 0


def test_an_input_skipped_twice_in_a_part_keeps_its_last_reason(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        staging = Staging(store, "run")
        staging.add([], [Skip("x.txt", SkipReason.EMPTY, "empty")])
        staging.add([], [Skip("x.txt", SkipReason.BINARY, "binary")])
        staging.merge()
        assert [(s.origin, s.reason) for s in store.skips()] == [("x.txt", SkipReason.BINARY)]


def test_a_timed_out_input_is_known_by_its_raw_hash_also_in_an_older_store(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as store:  # as a store of schema 1 was: no skips.raw_hash, no mentions.action
        store.con.execute("ALTER TABLE skips DROP COLUMN raw_hash")
        store.con.execute("DROP INDEX mentions_event")
        store.con.execute("DROP INDEX mentions_doc")
        store.con.execute("ALTER TABLE mentions DROP COLUMN action")
        store.con.execute("CREATE INDEX mentions_event ON mentions (event_id)")
        store.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(db) as store:
        store.write(
            [],
            [
                Skip("a.txt", SkipReason.TIMEOUT, "took more than 30 s", "a", raw_hash="raw-a"),
                Skip("b.txt", SkipReason.NOT_ENGLISH, "language is fr", "b", raw_hash="raw-b"),
            ],
        )
        assert store.timed_out() == {"a": "raw-a"}
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'") == [
            (str(SCHEMA_VERSION),)
        ]
        store.write([result("a", [event("a", 0)], content="fixed")])  # coded at last
        assert store.timed_out() == {}


def test_a_speech_acts_action_is_stored(tmp_path: Path) -> None:
    intent = dataclasses.replace(event("a", 0, plover="AGREE"), action="resume talks (046)")
    with Store(tmp_path / "s.duckdb") as store:
        store.write([result("a", [intent])])
        ((got, _mentions),) = store.events(EventFilter())
    assert got.action == "resume talks (046)"
