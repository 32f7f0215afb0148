"""Deterministic benchmark corpora and query sets.

The corpus mixes three sources, all turned into records in Deskmate's item schema:

* the sample content pack in ``resources/sample_pack`` (CSV and Markdown FAQs, scripts);
* the ATEC FAQ questions (third-party, read at run time only, never copied into the repo),
  each given a short synthetic answer assembled from sample-pack FAQ bodies;
* generated variants (ids ``gen-000123``) that combine an ATEC question with a sample-pack
  title fragment, a product name or a number, so that large corpora keep realistic term
  statistics without duplicating identical texts.

Everything is driven by a seeded :class:`random.Random`, so the same arguments always give the
same corpus.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PACK = REPO_ROOT / "resources" / "sample_pack"
DEFAULT_EVAL_DIR = REPO_ROOT / ".." / "shared" / "eval" / "atec"
UPDATED_AT = "2026-10-01T09:00:00+08:00"

#: English agent queries (written for the benchmark) used for the English latency row.
ENGLISH_QUERIES: list[str] = [
    "refund iphone",
    "roaming charges",
    "reset password",
    "cancel order",
    "change delivery address",
    "track my parcel",
    "return policy",
    "broadband outage",
    "esim activation",
    "port my number",
    "data plan upgrade",
    "double charge",
    "instalment plan",
    "credit card payment failed",
    "invoice request",
    "wifi router setup",
    "slow internet speed",
    "lost phone block sim",
    "voucher not applied",
    "contract termination fee",
    "top up balance",
    "international calls",
    "bill explanation",
    "refund status",
    "exchange damaged item",
    "warranty repair",
    "speak to supervisor",
    "change plan",
    "activate roaming",
    "coupon expired",
]

#: Product-ish suffixes used to derive variants of a question.
_PRODUCTS = [
    "星桥商城",
    "星桥移动",
    "星桥宽带",
    "App",
    "iPhone 15",
    "华为 Mate 60",
    "5G 套餐",
    "花呗",
    "借呗",
    "信用卡",
    "eSIM",
    "光猫",
    "路由器",
    "会员",
    "优惠券",
]
_PUNCT_SPLIT = re.compile(r"[，。？！、；：,.?!;:\s（）()「」]+")


# ----------------------------------------------------------------------------- eval data


def resolve_eval_dir(eval_dir: Path | str | None) -> Path | None:
    """Return the ATEC directory if it holds ``faqs.jsonl`` and ``queries.jsonl``, else None."""
    path = Path(eval_dir) if eval_dir is not None else DEFAULT_EVAL_DIR
    if (path / "faqs.jsonl").is_file() and (path / "queries.jsonl").is_file():
        return path.resolve()
    return None


def require_eval_dir(eval_dir: Path | str | None) -> Path:
    """Like :func:`resolve_eval_dir`, but exit with a clear message (status 0) if absent."""
    path = resolve_eval_dir(eval_dir)
    if path is None:
        shown = Path(eval_dir) if eval_dir is not None else DEFAULT_EVAL_DIR
        print(
            f"SKIPPED: ATEC eval data not found in {shown} (need faqs.jsonl and queries.jsonl); "
            "pass --eval-dir to point at it."
        )
        sys.exit(0)
    return path


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_atec_faqs(eval_dir: Path) -> list[dict[str, str]]:
    """Return the ATEC FAQs as ``{"id", "question"}`` dicts, in file order."""
    return list(_read_jsonl(eval_dir / "faqs.jsonl"))


def load_atec_queries(eval_dir: Path) -> list[dict[str, Any]]:
    """Return the ATEC queries as ``{"query", "relevant": [ids]}`` dicts, in file order."""
    return list(_read_jsonl(eval_dir / "queries.jsonl"))


def queries(eval_dir: Path, n: int, seed: int = 7) -> list[str]:
    """Return ``n`` full ATEC queries chosen by a seeded RNG (all of them if ``n`` is larger)."""
    texts = [q["query"] for q in load_atec_queries(eval_dir)]
    if n >= len(texts):
        return texts
    return random.Random(seed).sample(texts, n)


def typeahead_prefixes(query: str) -> list[str]:
    """Return every prefix of ``query`` as typed, character by character.

    Prefixes ending in whitespace are trimmed and duplicates dropped, so an English query
    ``"reset password"`` gives ``r, re, ..., reset, reset p, ..., reset password``.
    """
    seen: dict[str, None] = {}
    for end in range(1, len(query) + 1):
        prefix = query[:end].rstrip()
        if prefix:
            seen.setdefault(prefix, None)
    return list(seen)


# ----------------------------------------------------------------------------- sample pack


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def _csv_records(path: Path, kind: str) -> list[dict[str, Any]]:
    records = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not row.get("id") or not row.get("title"):
                continue
            record: dict[str, Any] = {
                "id": row["id"].strip(),
                "kind": kind,
                "title": row["title"].strip(),
                "body": row.get("body") or "",
                "tags": _split(row.get("tags")),
                "skills": _split(row.get("skills")),
                "language": row.get("language") or "zh",
                "updated_at": row.get("updated_at") or UPDATED_AT,
                "version": int(row.get("version") or 1),
            }
            for key in ("product", "channel", "owner"):
                if row.get(key):
                    record[key] = row[key].strip()
            if kind == "faq":
                record["questions"] = _split(row.get("questions"))
            records.append(record)
    return records


def _markdown_record(path: Path, kind: str) -> dict[str, Any] | None:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return None
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        return None
    meta = yaml.safe_load(parts[0].lstrip("-\n")) or {}
    if not isinstance(meta, dict) or "id" not in meta or "title" not in meta:
        return None
    record: dict[str, Any] = {
        "kind": kind,
        "language": "zh",
        "updated_at": UPDATED_AT,
        "version": 1,
        "tags": [],
        "skills": [],
    }
    record.update({k: v for k, v in meta.items() if v is not None})
    # YAML turns some scalars into ints/datetimes (e.g. a tag 12315): the schema wants strings.
    for key in ("tags", "skills", "questions"):
        record[key] = [str(v) for v in record.get(key) or []]
    for key in ("id", "title", "updated_at", "product", "channel", "owner"):
        if key in record:
            record[key] = str(record[key])
    record["body"] = parts[1].split("\n", 1)[1].strip() if "\n" in parts[1] else ""
    if kind != "faq":
        record.pop("questions", None)
    return record


def _jsonl_records(path: Path) -> list[dict[str, Any]]:
    """FAQ and script records of a pack's ``*.jsonl`` file (already in the item schema)."""
    return [r for r in _read_jsonl(path) if r.get("kind") in ("faq", "script") and "id" in r]


def load_sample_pack(pack_dir: Path = SAMPLE_PACK) -> list[dict[str, Any]]:
    """Read the FAQs and scripts of a content pack (CSV, Markdown, JSONL), sorted by id."""
    records: list[dict[str, Any]] = []
    for path in sorted(pack_dir.glob("*.jsonl")):
        records.extend(_jsonl_records(path))
    for kind, folder in (("faq", "faqs"), ("script", "scripts")):
        base = pack_dir / folder
        for path in sorted(base.glob("*.csv")) if base.is_dir() else []:
            records.extend(_csv_records(path, kind))
        for path in sorted(base.glob("*.md")) if base.is_dir() else []:
            record = _markdown_record(path, kind)
            if record is not None:
                records.append(record)
    unique = {r["id"]: r for r in records}
    return [unique[key] for key in sorted(unique)]


# ----------------------------------------------------------------------------- corpus


def _title_fragments(pack: list[dict[str, Any]]) -> list[str]:
    """Short pieces of sample-pack titles and questions (e.g. ``"七天无理由退货"``)."""
    fragments: set[str] = set()
    for record in pack:
        for text in [record["title"], *record.get("questions", [])]:
            fragments.update(p for p in _PUNCT_SPLIT.split(text) if 2 <= len(p) <= 16)
    return sorted(fragments)


def _synthetic_body(rng: random.Random, bodies: list[str]) -> str:
    """Assemble a 100–400 character answer from sample-pack FAQ bodies."""
    if not bodies:
        return "请参考知识库中的相关说明。"
    target = rng.randint(100, 400)
    parts: list[str] = []
    while sum(len(p) for p in parts) < target:
        parts.append(rng.choice(bodies))
    return "\n\n".join(parts)[:target].rstrip()


class _Synth:
    """Seeded maker of synthetic faq records sharing one RNG."""

    def __init__(self, pack: list[dict[str, Any]], seed: int) -> None:
        self.rng = random.Random(seed)
        self.donors = [r for r in pack if r["kind"] == "faq" and len(r["body"]) >= 20] or pack
        self.bodies = [r["body"] for r in self.donors if r["body"]]
        self.fragments = _title_fragments(pack) or ["常见问题"]

    def record(self, item_id: str, title: str) -> dict[str, Any]:
        """Return an faq record with a synthetic body and metadata borrowed from a donor."""
        donor = self.rng.choice(self.donors) if self.donors else {}
        record: dict[str, Any] = {
            "id": item_id,
            "kind": "faq",
            "title": title[:500],
            "body": _synthetic_body(self.rng, self.bodies),
            "tags": list(donor.get("tags", []))[:3],
            "skills": list(donor.get("skills", []))[:2],
            "language": "zh",
            "updated_at": UPDATED_AT,
            "version": 1,
            "questions": [],
        }
        for key in ("product", "channel", "owner"):
            if donor.get(key):
                record[key] = donor[key]
        return record

    def variant_title(self, base: str) -> str:
        """Derive a new, non-identical title from ``base``."""
        style = self.rng.randrange(4)
        if style == 0:
            return f"{base}，{self.rng.choice(self.fragments)}"
        if style == 1:
            return f"{self.rng.choice(_PRODUCTS)}{base}"
        if style == 2:
            return f"{self.rng.choice(self.fragments)}：{base}"
        return f"{base}（{self.rng.choice(_PRODUCTS)} {self.rng.randint(2, 999)}）"


def build_corpus(size: int, eval_dir: Path | None, seed: int = 7) -> list[dict[str, Any]]:
    """Return exactly ``size`` records in the item schema, reproducibly for a given seed.

    Sample-pack items come first, then ATEC FAQs (if ``eval_dir`` is given), then generated
    variants ``gen-NNNNNN`` until ``size`` is reached. If ``size`` is smaller than the real
    items, a seeded sample of the ATEC FAQs is taken.
    """
    pack = load_sample_pack()
    synth = _Synth(pack, seed)
    atec = load_atec_faqs(eval_dir) if eval_dir is not None else []
    atec_records = [synth.record(f["id"], f["question"]) for f in atec]
    records = pack[:size] + atec_records
    if len(records) > size:
        keep = synth.rng.sample(range(len(atec_records)), size - len(pack[:size]))
        return pack[:size] + [atec_records[i] for i in sorted(keep)]
    bases = [f["question"] for f in atec] or [r["title"] for r in pack] or ["常见问题"]
    seen = {r["title"] for r in records}
    counter = 0
    while len(records) < size:
        title = synth.variant_title(synth.rng.choice(bases))
        if title in seen:
            continue
        seen.add(title)
        records.append(synth.record(f"gen-{counter:06d}", title))
        counter += 1
    return records


def main() -> None:
    """Print a short summary of a corpus (for a quick look: ``python -m benchmarks.corpus``)."""
    eval_dir = resolve_eval_dir(sys.argv[1] if len(sys.argv) > 1 else None)
    corpus = build_corpus(20_000, eval_dir)
    kinds: dict[str, int] = {}
    for record in corpus:
        kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
    lengths = sorted(len(r["body"]) for r in corpus)
    print(f"eval dir: {eval_dir}")
    print(f"records: {len(corpus)}  kinds: {kinds}")
    print(
        f"body length p10/p50/p90: {lengths[len(lengths) // 10]}/{lengths[len(lengths) // 2]}/"
        f"{lengths[9 * len(lengths) // 10]}"
    )
    print(f"distinct titles: {len({r['title'] for r in corpus})}")


if __name__ == "__main__":
    main()
