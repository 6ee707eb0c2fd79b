"""Stage 3, dedup: each article, paragraph and sentence is coded once.

- Exact duplicates: two inputs whose cleaned body has the same content hash (case and spacing
  aside). The second is skipped as ``duplicate`` and remembered as an alias of the first.
- Near duplicates: MinHash (datasketch) over word 5-shingles, with LSH to find candidates; an
  article whose estimated Jaccard similarity with a stored one reaches the threshold is skipped
  as ``near_duplicate`` (syndicated copies with another header, a corrected word).
- Inside an article: a paragraph or a sentence already seen (a pull quote, a teaser repeated as
  the first paragraph) is kept once.

Each drop is stored with its reason.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from dyad.types import Document, Drop, DropReason, Sentence, Skip, SkipReason

SHINGLE_WORDS = 5
# datasketch's 32-bit affine scheme: uint32 signatures, half the memory of the legacy one.
SCHEME = "affine32"
_WORD = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def drop_repeated(doc_id: str, paragraphs: list[str]) -> tuple[list[str], list[Drop]]:
    """Keep the first of paragraphs that repeat inside one article."""
    seen: set[str] = set()
    kept: list[str] = []
    drops: list[Drop] = []
    for p in paragraphs:
        key = _key(p)
        if key and key in seen and len(key) > 20:
            drops.append(Drop(doc_id, DropReason.REPEATED, "repeated_paragraph", p))
        else:
            seen.add(key)
            kept.append(p)
    return kept, drops


def mark_repeated(sentences: list[Sentence]) -> tuple[list[Sentence], list[Drop]]:
    """Sentences already seen earlier in the article are kept in place but not coded."""
    seen: set[str] = set()
    out: list[Sentence] = []
    drops: list[Drop] = []
    for s in sentences:
        key = _key(s.text)
        if s.coded and len(key) > 20 and key in seen:
            out.append(Sentence(s.doc_id, s.index, s.start, s.end, s.text, coded=False))
            drops.append(Drop(s.doc_id, DropReason.REPEATED, "repeated_sentence", s.text))
        else:
            if s.coded:
                seen.add(key)
            out.append(s)
    return out, drops


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


def signature(text: str, permutations: int) -> np.ndarray:
    """The MinHash signature of a text's word 5-shingles (a uint32 array)."""
    words = _WORD.findall(text.lower())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }
    m = MinHash(num_perm=permutations, hashfunc=_hash32, scheme=SCHEME)
    m.update_batch(list(shingles))
    return m.hashvalues


def signature_of(doc: Document, permutations: int, min_words: int) -> bytes | None:
    """The document's body signature as bytes, or None when it is too short to compare."""
    body = " ".join(doc.text[s.start : s.end] for s in doc.paragraphs)
    if len(body.split()) < min_words:
        return None
    return signature(body, permutations).tobytes()


def from_bytes(blob: bytes | None) -> np.ndarray | None:
    return np.frombuffer(blob, dtype=np.uint32) if blob else None


class Deduper:
    """Remembers what has been seen (this run and, when seeded, the store) and spots repeats."""

    def __init__(
        self, threshold: float, permutations: int, min_words: int, window: int = 20_000
    ) -> None:
        self.permutations = permutations
        self.min_words = min_words
        self.threshold = threshold
        self.window = window
        self._hashes: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=threshold, num_perm=permutations)
        # The last ``window`` documents' hash values, oldest first (a MinHash object would also
        # carry its permutations: 3x the memory). Older ones leave the LSH index, so memory
        # stays flat however long the run: syndicated copies arrive close together.
        self._signatures: OrderedDict[str, np.ndarray] = OrderedDict()

    def seed(
        self, hashes: Iterable[tuple[str, str]], signatures: Iterable[tuple[str, bytes]]
    ) -> None:
        """Start from what a store already holds: ``(content_hash, doc_id)`` and signatures."""
        for h, doc_id in hashes:
            self._hashes.setdefault(h, doc_id)
        for doc_id, blob in signatures:
            if blob:
                self._insert(doc_id, from_bytes(blob))  # type: ignore[arg-type]

    def check(self, doc: Document, sig: np.ndarray | None) -> Skip | None:
        """A Skip when ``doc`` repeats something seen; else None, and the document (with its
        signature ``sig``, None for a text too short to compare) is remembered."""
        first = self._hashes.get(doc.content_hash)
        if first is not None and first != doc.doc_id:
            return Skip(
                doc.origin,
                SkipReason.DUPLICATE,
                f"same content as {first}",
                doc_id=doc.doc_id,
                duplicate_of=first,
            )
        if sig is not None:
            near = self._nearest(doc.doc_id, sig)
            if near is not None:
                other, similarity = near
                return Skip(
                    doc.origin,
                    SkipReason.NEAR_DUPLICATE,
                    f"{similarity:.0%} similar to {other}",
                    doc_id=doc.doc_id,
                    duplicate_of=other,
                )
        self._hashes[doc.content_hash] = doc.doc_id
        if sig is not None:
            self._insert(doc.doc_id, sig)
        return None

    def forget(self, doc_id: str) -> None:
        """Drop a document's signature (it is being replaced by a new version)."""
        if doc_id in self._signatures:
            self._lsh.remove(doc_id)
            del self._signatures[doc_id]
        for h in [h for h, d in self._hashes.items() if d == doc_id]:
            del self._hashes[h]

    def _insert(self, doc_id: str, values: np.ndarray) -> None:
        if doc_id in self._signatures or len(values) != self.permutations:
            return
        m = _lean(values)
        self._lsh.insert(doc_id, m)
        self._signatures[doc_id] = np.asarray(values, dtype=np.uint64)
        while len(self._signatures) > self.window:
            oldest, _ = self._signatures.popitem(last=False)
            self._lsh.remove(oldest)

    def _nearest(self, doc_id: str, values: np.ndarray) -> tuple[str, float] | None:
        m = _lean(values)
        best: tuple[str, float] | None = None
        for other in sorted(self._lsh.query(m)):
            if other == doc_id:
                continue
            # MinHash's Jaccard estimate: the share of equal hash values
            sim = float(np.count_nonzero(values == self._signatures[other])) / len(values)
            if sim >= self.threshold and (best is None or sim > best[1]):
                best = (other, sim)
        return best


def _lean(values: np.ndarray) -> LeanMinHash:
    """A signature for the LSH index from its hash values alone (a full MinHash would draw its
    permutations again, 30x slower, on the main process's hot path)."""
    return LeanMinHash(seed=1, hashvalues=values, scheme=SCHEME)
