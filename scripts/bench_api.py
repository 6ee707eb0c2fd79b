#!/usr/bin/env python3
"""Latency of the web API over a store of a million synthetic events.

    python scripts/bench_api.py                      # make bench-api
    python scripts/bench_api.py --events 100000 --requests 200

Builds ``build/bench-api-<N>.duckdb`` once (events, their mentions and documents, written by
bulk SQL in a few seconds, then the analysis index), starts ``uvicorn`` on it in a subprocess,
sends requests with varied parameters to each endpoint, one at a time, and prints p50 and p95
latency per endpoint. The goal is p95 < 100 ms for the timeline and events endpoints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from dyad.store import EventFilter, Store

# Actors, busiest first: the draw is skewed so that a few dyads have tens of thousands of
# events and most have a handful, as in real news.
ACTORS = [
    ("USA", "United States"), ("PAK", "Pakistan"), ("IND", "India"), ("AFG", "Afghanistan"),
    ("CHN", "China"), ("RUS", "Russia"), ("IRN", "Iran"), ("GBR", "United Kingdom"),
    ("SAU", "Saudi Arabia"), ("ISR", "Israel"), ("TUR", "Turkey"), ("FRA", "France"),
    ("DEU", "Germany"), ("JPN", "Japan"), ("BGD", "Bangladesh"), ("LKA", "Sri Lanka"),
    ("NPL", "Nepal"), ("IRQ", "Iraq"), ("SYR", "Syria"), ("EGY", "Egypt"), ("UKR", "Ukraine"),
    ("IGO", "United Nations"), ("KOR", "South Korea"), ("PRK", "North Korea"),
    ("QAT", "Qatar"), ("ARE", "United Arab Emirates"), ("MMR", "Myanmar"), ("IDN", "Indonesia"),
    ("BRA", "Brazil"), ("ZAF", "South Africa"),
]  # fmt: skip
# PLOVER type -> (quad class, Goldstein, CAMEO, verb phrase for the sentence)
TYPES = {
    "AGREE": (1, 4.0, "057", "signed an agreement with"), "CONSULT": (1, 1.0, "040", "held talks with"),
    "SUPPORT": (1, 3.5, "051", "praised"), "CONCEDE": (1, 5.0, "080", "yielded to"),
    "COOPERATE": (2, 6.0, "060", "worked with"), "AID": (2, 7.4, "070", "sent aid to"),
    "RETREAT": (2, 5.0, "087", "withdrew troops from"), "REQUEST": (3, -2.0, "020", "asked"),
    "ACCUSE": (3, -2.0, "112", "accused"), "REJECT": (3, -4.0, "120", "rejected a proposal by"),
    "THREATEN": (3, -6.0, "130", "threatened"), "PROTEST": (4, -6.5, "140", "protested against"),
    "SANCTION": (3, -5.6, "160", "imposed sanctions on"), "MOBILIZE": (4, -7.2, "150", "mobilised forces against"),
    "COERCE": (4, -7.0, "170", "arrested envoys of"), "ASSAULT": (4, -10.0, "190", "attacked"),
}  # fmt: skip
TOPICS = (
    "over the border dispute",
    "about nuclear talks",
    "after the attack on the embassy",
    "on trade and tariffs",
    "over water sharing",
    "about refugees",
    "over the ceasefire line",
    "about the missile test",
    "on counterterrorism",
    "over the election",
    "about aid money",
    "over fishing rights",
    "on the pipeline deal",
    "about the detained journalist",
    "over airspace violations",
    "on the peace process",
    "about the hostage crisis",
    "over the port project",
    "on visa rules",
    "about drone strikes",
)
PLACES = (
    "in Islamabad",
    "in Washington",
    "in Kabul",
    "in New Delhi",
    "in Geneva",
    "at the UN",
    "in Beijing",
    "in Moscow",
    "in Tehran",
    "in Doha",
    "in Riyadh",
    "in London",
    "",
    "",
    "",
)
# Town names made of syllables: 1,000 rare words, so that some searches find a few events.
SYLLABLES = ("ka", "ro", "mi", "ta", "shan", "pur", "ba", "lo", "ne", "vi")
N_TOWNS = len(SYLLABLES) ** 3
FIRST_DAY, DAYS = "1990-01-01", 35 * 365


def build_store(path: Path, n_events: int, seed: int = 7) -> None:
    """Write a store of ``n_events`` asserted events (1.55 mentions each on average, five
    mentions a document) by bulk SQL, then its analysis index."""
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    t = time.perf_counter()
    with Store(path) as store:
        con = store.con
        con.execute(f"SELECT setseed({1 / (seed + 1)})")
        con.execute(
            "CREATE TEMP TABLE actors AS SELECT * FROM (VALUES "
            + ", ".join(f"({i}, '{c}', '{n}')" for i, (c, n) in enumerate(ACTORS))
            + ") t(k, code, name)"
        )
        con.execute(
            "CREATE TEMP TABLE types AS SELECT * FROM (VALUES "
            + ", ".join(
                f"({i}, '{p}', {q}, {g}, '{c}', '{v}')"
                for i, (p, (q, g, c, v)) in enumerate(TYPES.items())
            )
            + ") t(k, plover, quad_class, goldstein, cameo, verb)"
        )
        for name, values in (("topics", TOPICS), ("places", PLACES)):
            con.execute(
                f"CREATE TEMP TABLE {name} AS SELECT * FROM (VALUES "
                + ", ".join(f"({i}, '{v}')" for i, v in enumerate(values))
                + ") t(k, text)"
            )
        syllables = "[" + ", ".join(f"'{x}'" for x in SYLLABLES) + "]"
        con.execute(
            f"""CREATE TEMP TABLE towns AS SELECT k, upper(t[1]) || t[2:] AS text FROM (
                SELECT k, list_element({syllables}, k // 100 + 1) || list_element({syllables}, k // 10 % 10 + 1)
                          || list_element({syllables}, k % 10 + 1) AS t FROM range({N_TOWNS}) r(k))"""
        )
        n_actors, n_types = len(ACTORS), len(TYPES)
        # Actor k is drawn with probability falling as a power of k; a source is never its own
        # target. Uniform draws come from random(), seeded above.
        con.execute(
            f"""
            CREATE TEMP TABLE draws AS
            SELECT i,
                   least({n_actors - 1}, floor(pow(random(), 2.2) * {n_actors}))::INT AS s,
                   least({n_actors - 2}, floor(pow(random(), 2.2) * {n_actors - 1}))::INT AS t0,
                   floor(random() * {n_types})::INT AS ty,
                   floor(random() * {DAYS})::INT AS day,
                   random() AS u_mentions,
                   floor(random() * {len(TOPICS)})::INT AS topic,
                   floor(random() * {len(PLACES)})::INT AS place,
                   floor(random() * {N_TOWNS})::INT AS town
            FROM range({n_events}) r(i)"""
        )
        con.execute(
            f"""
            INSERT INTO events
            SELECT md5(d.i::VARCHAR)[:16], DATE '{FIRST_DAY}' + d.day, 'day', ty.plover, NULL,
                   ty.cameo, ty.goldstein, ty.quad_class,
                   s.code, s.code, 'GOV', s.name, 'country',
                   t.code, t.code, 'GOV', t.name, 'country', 'asserted'
            FROM draws d
            JOIN actors s ON s.k = d.s
            JOIN actors t ON t.k = CASE WHEN d.t0 >= d.s THEN d.t0 + 1 ELSE d.t0 END
            JOIN types ty ON ty.k = d.ty"""
        )
        # Mentions: 1 to 4 an event; every five consecutive mentions make one document.
        con.execute(
            """
            CREATE TEMP TABLE ment AS
            SELECT row_number() OVER (ORDER BY d.i, r.k) - 1 AS seq, d.i, r.k,
                   md5(d.i::VARCHAR)[:16] AS event_id,
                   s.name || ' ' || ty.verb || ' ' || t.name || ' ' || tp.text
                       || CASE WHEN pl.text = '' THEN '' ELSE ' ' || pl.text END
                       || ' near ' || tw.text
                       || CASE WHEN r.k > 0 THEN ', officials said again' ELSE '' END || '.' AS sentence,
                   ty.verb AS trigger, s.name AS source_text, t.name AS target_text
            FROM draws d
            CROSS JOIN range(4) r(k)
            JOIN actors s ON s.k = d.s
            JOIN actors t ON t.k = CASE WHEN d.t0 >= d.s THEN d.t0 + 1 ELSE d.t0 END
            JOIN types ty ON ty.k = d.ty
            JOIN topics tp ON tp.k = d.topic
            JOIN places pl ON pl.k = d.place
            JOIN towns tw ON tw.k = d.town
            WHERE r.k < 1 + (d.u_mentions < 0.35)::INT + (d.u_mentions < 0.15)::INT + (d.u_mentions < 0.05)::INT"""
        )
        con.execute(
            """
            CREATE TEMP TABLE ment2 AS
            SELECT *, 'doc' || lpad((seq // 5)::VARCHAR, 7, '0') AS doc_id,
                   coalesce(sum(length(sentence) + 1) OVER (
                       PARTITION BY seq // 5 ORDER BY seq
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::INT AS start_char
            FROM ment"""
        )
        con.execute(
            """
            INSERT INTO mentions
            SELECT md5(event_id || ':' || seq::VARCHAR)[:16], event_id, doc_id, start_char,
                   start_char + length(sentence), sentence, trigger, source_text, target_text,
                   NULL, NULL, NULL, NULL, NULL, 1.0, 'bench'
            FROM ment2"""
        )
        con.execute(
            """
            INSERT INTO sentences
            SELECT doc_id, (seq % 5)::INT, start_char, start_char + length(sentence), sentence, TRUE
            FROM ment2"""
        )
        con.execute(
            f"""
            INSERT INTO documents
            SELECT doc_id, md5(doc_id), md5(doc_id), doc_id || '.txt', NULL,
                   'Report ' || doc_id, 'Bench Wire', DATE '{FIRST_DAY}' + (hash(doc_id) % {DAYS})::INT,
                   'meta', string_agg(sentence, ' ' ORDER BY seq), count(*), count(*), NULL,
                   'bench', now()
            FROM ment2 GROUP BY doc_id"""
        )
        for name in ("draws", "ment", "ment2", "actors", "types", "topics", "places", "towns"):
            con.execute(f"DROP TABLE {name}")
        written = time.perf_counter() - t
        store.build_analysis_index()
        counts = store.query(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM mentions), "
            "(SELECT count(*) FROM documents)"
        )[0]
    print(
        f"built {path}: {counts[0]} events, {counts[1]} mentions, {counts[2]} documents "
        f"in {written:.0f} s, analysis index in {time.perf_counter() - t - written:.0f} s",
        file=sys.stderr,
    )


def town(k: int) -> str:
    return (SYLLABLES[k // 100] + SYLLABLES[k // 10 % 10] + SYLLABLES[k % 10]).capitalize()


class Params:
    """Varied requests, drawn from a seeded generator: busy and quiet dyads, directed and not,
    months, weeks and days, types, date ranges, words, deeper pages."""

    def __init__(self, seed: int, dyads: list[tuple[str, str]], doc_ids: list[str]) -> None:
        self.rng = random.Random(seed)
        self.dyads = dyads
        self.doc_ids = doc_ids

    def _range(self, years: int) -> dict[str, str]:
        start = dt.date(1990, 1, 1) + dt.timedelta(days=self.rng.randrange(DAYS - years * 365 + 1))
        end = start + dt.timedelta(days=years * 365)
        return {"since": start.isoformat(), "until": end.isoformat()}

    def _dyad(self) -> dict[str, str]:
        # Half the time one of the ten busiest dyads (tens of thousands of events).
        pool = self.dyads[:10] if self.rng.random() < 0.5 else self.dyads
        a, b = self.rng.choice(pool)
        return {"dyad": f"{a}-{b}", "undirected": self.rng.choice(["true", "false"])}

    def _words(self) -> str:
        r = self.rng.random()
        if r < 0.4:  # a topic: one event in twenty
            return self.rng.choice(TOPICS).split(maxsplit=1)[1].replace("the ", "")
        if r < 0.7:  # a town: one in a thousand
            return town(self.rng.randrange(N_TOWNS))
        if r < 0.9:  # a country's name: one event in five or more
            return self.rng.choice(ACTORS[:8])[1]
        return self.rng.choice(TYPES[self.rng.choice(list(TYPES))][3:4])

    def timeline(self) -> tuple[str, dict[str, str]]:
        p = self._dyad()
        r = self.rng.random()
        if r < 0.6:
            p["by"] = "month"
        elif r < 0.85:
            p |= {"by": "week", **self._range(5)}
        else:
            p |= {"by": "day", **self._range(1)}
        if self.rng.random() < 0.2:
            p["type"] = self.rng.choice(list(TYPES))
        return "/api/timeline", p

    def events(self) -> tuple[str, dict[str, str]]:
        r = self.rng.random()
        p: dict[str, str] = {}
        if r < 0.55:
            p = self._dyad()
        elif r < 0.75:
            p = {"actor": self.rng.choice(ACTORS)[0]}
        if self.rng.random() < 0.3:
            p["type"] = self.rng.choice(list(TYPES))
        if self.rng.random() < 0.4:
            p |= self._range(self.rng.choice([1, 5, 10]))
        if self.rng.random() < 0.2:
            p["q"] = self._words()
        p["limit"] = str(self.rng.choice([25, 50, 50, 100]))
        if self.rng.random() < 0.3:
            p["offset"] = str(int(p["limit"]) * self.rng.randrange(1, 20))
        return "/api/events", p

    def key_events(self) -> tuple[str, dict[str, str]]:
        p = self._dyad()
        if self.rng.random() < 0.5:
            p |= self._range(self.rng.choice([1, 5]))
        return "/api/key-events", p

    def network(self) -> tuple[str, dict[str, str]]:
        return "/api/network", self._range(self.rng.choice([1, 5, 35]))

    def dyads_(self) -> tuple[str, dict[str, str]]:
        p = {"undirected": self.rng.choice(["true", "false"])}
        if self.rng.random() < 0.5:
            p["actor"] = self.rng.choice(ACTORS)[0]
        return "/api/dyads", p

    def document(self) -> tuple[str, dict[str, str]]:
        return f"/api/documents/{self.rng.choice(self.doc_ids)}", {}


@contextlib.contextmanager
def serving(db: Path) -> Iterator[str]:
    """``dyad serve`` on a free port, in a subprocess, until the block ends."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dyad.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--no-index",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(url + "/api/actors?limit=1", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=400, help="per endpoint (timeline, events)")
    ap.add_argument(
        "--db", type=Path, help="default: build/bench-api.duckdb (or -N for other sizes)"
    )
    ap.add_argument("--rebuild", action="store_true", help="build the store even if it exists")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()

    name = "bench-api" if a.events == 1_000_000 else f"bench-api-{a.events}"
    db = a.db or Path("build") / f"{name}.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    if a.rebuild or not db.exists():
        build_store(db, a.events)
    with Store(db, read_only=True) as store:
        if store.query("SELECT count(*) FROM events")[0][0] != a.events:
            raise SystemExit(f"{db} does not have {a.events} events: use --rebuild")
        current = store.analysis_index_is_current()
    if not current:  # made by another version of dyad
        t = time.perf_counter()
        with Store(db) as store:
            store.build_analysis_index()
        print(f"analysis index built in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    with Store(db, read_only=True) as store:
        dyads = [(s, t) for s, t, *_ in store.analysis_dyads(EventFilter(), 1000)]
        doc_ids = [r[0] for r in store.query("SELECT doc_id FROM documents USING SAMPLE 2000 ROWS")]
    params = Params(a.seed, dyads, doc_ids)
    plan: list[tuple[str, Callable[[], tuple[str, dict[str, str]]], int]] = [
        ("/api/timeline", params.timeline, a.requests),
        ("/api/events", params.events, a.requests),
        ("/api/key-events", params.key_events, a.requests // 4),
        ("/api/network", params.network, a.requests // 4),
        ("/api/dyads", params.dyads_, a.requests // 4),
        ("/api/documents/{id}", params.document, a.requests // 4),
    ]
    timings: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    with serving(db) as url, httpx.Client(base_url=url, timeout=60) as client:
        for _, make, _ in plan:  # warm up: first requests pay for imports and caches
            for _ in range(10):
                path, p = make()
                client.get(path, params=p)
        for label, make, n in plan:
            for _ in range(n):
                path, p = make()
                t = time.perf_counter()
                r = client.get(path, params=p)
                ms = (time.perf_counter() - t) * 1000
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                timings.setdefault(label, []).append(ms)
                if label == "/api/events":
                    timings.setdefault(
                        "  of which with words (q)" if "q" in p else "  of which without words", []
                    ).append(ms)
    cores = os.cpu_count()
    print(f"{a.events} events in {db}; {cores} cores; one client, requests in sequence")
    print(f"{'endpoint':<28} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in timings.items():
        print(
            f"{label:<28} {len(values):>8} {statistics.median(values):>8.1f} "
            f"{percentile(values, 0.95):>8.1f} {max(values):>8.1f}"
        )
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    return 0 if set(statuses) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
