"""The web API over the hand-made store (figures as in test_analysis) and the sample corpus:
JSON shapes, filters, validation (bad input is a 422, never a 500) and the server's limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import stores
from dyad import analysis
from dyad.web import create_app
from dyad.web.app import MAX_BODY, MAX_PAGE
from stores import build_store

sample_store = stores.sample_store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = build_store(tmp_path_factory.mktemp("api") / "s.duckdb", index=True)
    with TestClient(create_app(path)) as c:
        yield c


def get(client: TestClient, url: str, status: int = 200):
    r = client.get(url)
    assert r.status_code == status, (url, r.text)
    return r.json()


def test_events_with_evidence_and_pages(client: TestClient) -> None:
    page = get(client, "/api/events?dyad=USA-PAK&undirected=true&limit=2")
    assert page["total"] == 6 and page["limit"] == 2 and page["offset"] == 0
    first = page["items"][0]
    assert first["event"]["event_id"] == "sanction" and first["mentions"] == 3
    assert first["event"]["sentence"] == "The Pentagon cancelled $300 million in aid to Pakistan."
    assert first["event"]["source"]["code"] == "USA" and first["event"]["quad_class"] == 3
    assert first["document"] == {
        "doc_id": "a",
        "title": "Pentagon cancels aid",
        "url": "https://example.org/a",
        "source": "Test Wire",
        "date": "2018-09-03",
    }
    ids = [
        h["event"]["event_id"]
        for h in get(client, "/api/events?dyad=usa-pak&undirected=true&limit=2&offset=4")["items"]
    ]
    assert ids == ["aid", "undated"]
    assert get(client, "/api/events?dyad=USA-PAK")["total"] == 4  # directed
    assert get(client, "/api/events?actor=IND")["total"] == 1
    assert get(client, "/api/events?type=AID&type=ACCUSE")["total"] == 2
    assert get(client, "/api/events?since=2018-09-05&until=2018-09-10")["total"] == 2


def test_word_search(client: TestClient) -> None:
    (hit,) = get(client, "/api/events?q=suspended%20military")["items"]
    assert hit["event"]["sentence"] == "Washington suspended military aid to Islamabad."
    assert hit["document"]["doc_id"] == "b"
    assert get(client, "/api/events?q=cancel")["total"] == 0  # whole words
    assert get(client, "/api/events?q=pak%25")["total"] == 0  # % is not a wildcard
    assert get(client, "/api/events?q=p_kistan")["total"] == 0  # nor _
    assert get(client, "/api/events?q=%27%3B%20DROP%20TABLE%20events%3B--")["total"] == 0
    assert get(client, "/api/events")["total"] == 8


def test_timeline(client: TestClient) -> None:
    s = get(client, "/api/timeline?dyad=USA-PAK&undirected=true&by=month")
    assert (s["source"], s["target"], s["undirected"], s["by"]) == ("USA", "PAK", True, "month")
    assert [p["period"] for p in s["points"]] == ["2018-09-01", "2018-10-01", "2018-11-01"]
    assert [p["events"]["index"] for p in s["points"]] == [pytest.approx(-1 / 3), None, 0.0]
    sep = s["points"][0]
    assert sep["events"]["by_quad"] == [1, 0, 2, 0] and sep["mentions"]["count"] == 5
    assert sep["events"]["by_type"] == {"CONSULT": 1, "REJECT": 1, "SANCTION": 1}
    weeks = get(client, "/api/timeline?dyad=USA-PAK&undirected=true&by=week")
    assert weeks["points"][0]["period"] == "2018-08-27"
    assert get(client, "/api/timeline?dyad=USA-PAK&q=officials")["events"]["count"] == 3


def test_key_events_network_dyads_actors(client: TestClient) -> None:
    keys = get(client, "/api/key-events?dyad=USA-PAK&undirected=true&limit=2")
    assert [(k["event"]["event_id"], k["score"]) for k in keys] == [
        ("sanction", pytest.approx(16.8)),
        ("aid", pytest.approx(14.8)),
    ]
    net = get(client, "/api/network")
    assert [(e["source"], e["target"], e["events"]) for e in net["edges"]] == [
        ("USA", "PAK", 4),
        ("PAK", "USA", 2),
        ("IND", "PAK", 1),
    ]
    assert net["edges"][0]["goldstein_mean"] == pytest.approx(2.2)
    assert [n["code"] for n in net["nodes"]] == ["PAK", "USA", "IND"]
    dyads = get(client, "/api/dyads?undirected=true")
    assert [(d["source"], d["target"], d["events"]) for d in dyads] == [
        ("PAK", "USA", 6),
        ("IND", "PAK", 1),
    ]
    assert get(client, "/api/dyads?limit=1")[0]["source"] == "USA"
    actors = get(client, "/api/actors")
    assert actors[0] == {"code": "PAK", "name": "Pakistan", "events": 7}


def test_documents(client: TestClient) -> None:
    doc = get(client, "/api/documents/b")
    assert doc["document"]["title"] == "Aid suspended <script>alert(1)</script>"
    for m in doc["mentions"]:
        assert doc["text"][m["start"] : m["end"]] in stores.DOCUMENTS["b"][2]
    assert [m["event_id"] for m in doc["mentions"]] == ["sanction", "assault"]
    get(client, "/api/documents/nope", 404)
    get(client, "/api/documents/..%2F..%2Fpyproject.toml", 404)
    get(client, "/api/documents/" + "x" * 300, 422)


@pytest.mark.parametrize(
    "url",
    [
        "/api/events?dyad=USAPAK",
        "/api/events?dyad=US1-PAK",
        "/api/events?actor=USAA",
        "/api/events?type=NOPE",
        "/api/events?since=2018-13-01",
        "/api/events?until=yesterday",
        "/api/events?limit=0",
        f"/api/events?limit={MAX_PAGE + 1}",
        "/api/events?offset=-1",
        "/api/events?offset=10001",
        "/api/events?q=" + "x" * 201,
        "/api/events?undirected=maybe",
        "/api/timeline?by=year",
        "/api/key-events?limit=101",
        "/api/network?limit=0",
        "/api/actors?limit=100000",
    ],
)
def test_bad_input_is_a_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert "detail" in r.json()


def test_too_many_periods_is_a_422(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "MAX_PERIODS", 10)
    r = client.get("/api/timeline?dyad=USA-PAK&by=day")
    assert r.status_code == 422 and "periods" in r.json()["detail"]


def test_limits_and_headers(client: TestClient) -> None:
    assert client.post("/api/events").status_code == 405
    r = client.request("GET", "/api/events", content=b"x" * (MAX_BODY + 1))
    assert r.status_code == 413
    assert client.get("/api/events?q=" + "a" * 5000).status_code == 414
    r = client.get("/api/actors")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert client.app.state.store.read_only  # type: ignore[attr-defined]


def test_the_page_and_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="source"' in page.text
    assert "http" not in page.text.split("<body>")[0]  # no CDN: scripts are the app's own
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert "vegaEmbed" in client.get("/static/vega.js").text
    for bad in ("/static/nope.js", "/static/..%2Fapp.py", "/static/%2e%2e%2f%2e%2e%2fstore.py"):
        assert client.get(bad).status_code == 404, bad
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/events",
        "/api/key-events",
        "/api/timeline",
        "/api/network",
        "/api/dyads",
        "/api/actors",
        "/api/documents/{doc_id}",
    }


def test_a_store_without_the_index(tmp_path: Path) -> None:
    path = build_store(tmp_path / "s.duckdb")
    with TestClient(create_app(path)) as c:
        assert get(c, "/api/events?dyad=USA-PAK&undirected=true")["total"] == 6


def test_api_over_the_sample_corpus(sample_store: str) -> None:
    with TestClient(create_app(sample_store)) as c:
        (busiest,) = get(c, "/api/dyads?undirected=true&limit=1")
        assert busiest["events"] > 5
        page = get(c, "/api/events?dyad=USA-PAK&undirected=true&limit=200")
        assert page["total"] > 5 and len(page["items"]) == page["total"]
        for hit in page["items"][:20]:
            e = hit["event"]
            doc = get(c, f"/api/documents/{e['doc_id']}")
            assert doc["text"][e["start"] : e["end"]] == e["sentence"]
            assert {"USA", "PAK"} <= {e["source"]["code"], (e["target"] or {}).get("code")}
        series = get(c, "/api/timeline?dyad=USA-PAK&undirected=true&by=month")
        assert series["events"]["count"] <= page["total"]
        assert get(c, "/api/network")["edges"]
        assert get(c, "/api/key-events?dyad=USA-PAK&undirected=true")


def test_concurrent_requests_each_have_their_cursor(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    urls = [
        "/api/events?dyad=USA-PAK&undirected=true",
        "/api/timeline?dyad=USA-PAK&by=week",
        "/api/events?q=officials",
        "/api/network",
        "/api/documents/a",
    ] * 12
    expected = {u: client.get(u).json() for u in set(urls)}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda u: (u, client.get(u)), urls))
    for u, r in answers:
        assert r.status_code == 200 and r.json() == expected[u], u
