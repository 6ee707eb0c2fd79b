"""The HTML report: one file that needs nothing from the network, its text escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dyad.errors import QueryError
from dyad.report import write_report
from dyad.store import Store
from stores import build_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("report") / "s.duckdb")


def test_the_busiest_dyad_by_default(store_path: str, tmp_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        r = write_report(store, tmp_path / "r.html")
    assert r.dyad == ("USA", "PAK") and r.events == 5 and r.periods == 3 and r.key_events == 6
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "<h1>United States and Pakistan</h1>" in html
    assert "The Pentagon <b>cancelled</b> $300 million in aid to Pakistan." in html
    for chart in ("index", "types", "network"):
        assert f"<div id='chart-{chart}'" in html and f'vegaEmbed("#chart-{chart}"' in html


def test_self_contained(store_path: str, tmp_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        write_report(store, tmp_path / "r.html", dyad=("USA", "PAK"))
    html = (tmp_path / "r.html").read_text("utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)  # every script is inline
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", html, re.I)
    assert "vegaEmbed" in html and len(html) > 500_000  # the Vega libraries are in it
    # Only the inline bundle's and the charts' own scripts, each closed once.
    assert html.count("<script>") == 2 and html.count("</script>") == 2


def test_text_from_the_store_is_escaped(store_path: str, tmp_path: Path) -> None:
    with Store(store_path, read_only=True) as store:
        write_report(store, tmp_path / "usa.html", dyad=("USA", "PAK"))
        write_report(store, tmp_path / "ind.html", dyad=("IND", "PAK"))
    usa = (tmp_path / "usa.html").read_text("utf-8")
    assert "calling it 100%_unfair &lt;b&gt;bold&lt;/b&gt; &amp; wrong." in usa
    assert "<b>bold</b>" not in usa
    ind = (tmp_path / "ind.html").read_text("utf-8")
    assert "Aid suspended &lt;script&gt;alert(1)&lt;/script&gt;" in ind
    assert "<script>alert(1)" not in ind


def test_no_dyad_to_report(tmp_path: Path) -> None:
    Store(tmp_path / "e.duckdb").close()
    with Store(tmp_path / "e.duckdb", read_only=True) as store, pytest.raises(QueryError):
        write_report(store, tmp_path / "r.html")
