"""Benchmark: extraction throughput on one core, against a bare regex word-split.

Builds N articles from the gold set and the sample corpus (cycling through
them with small changes so no two are identical), runs the whole pipeline over
each in one process, and prints articles per second and the ratio to the floor:
splitting the same texts into words with one regular expression. The gazetteer is the full
one: 10,549 populated places plus the curated areas, matched by one automaton pass.

    .venv/bin/python bench/extract.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import date
from pathlib import Path

from truce import scenarios
from truce.domain.documents import TextMeta
from truce.extract.run import extract
from truce.formats.acled import read_acled
from truce.services.extraction import resources_for

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[tuple[str, date | None]]:
    texts: list[tuple[str, date | None]] = []
    for path in sorted((ROOT / "gold").rglob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        texts.append((data["text"], date.fromisoformat(data["published"])))
    sample = read_acled(scenarios.load("astana-2016").sample_acled.decode())
    texts += [(r.notes or "", r.date_start) for r in sample.reports]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--min-chars", type=int, default=0, help="only texts at least this long (e.g. 800 for news)"
    )
    args = parser.parse_args()
    base = [item for item in corpus() if len(item[0]) >= args.min_chars]
    items = []
    for n in range(args.articles):
        text, published = base[n % len(base)]
        # A varying last line keeps every article distinct without changing its events.
        items.append((f"{text}\nReference {n}.", TextMeta(label=f"bench-{n}", published=published)))
    chars = sum(len(t) for t, _ in items)

    started = time.perf_counter()
    resources = resources_for()
    setup_s = time.perf_counter() - started

    words = re.compile(r"\w+")
    started = time.perf_counter()
    for text, _ in items:
        words.findall(text)
    floor_s = time.perf_counter() - started

    started = time.perf_counter()
    reports = sum(len(extract(text, meta, resources).reports) for text, meta in items)
    run_s = time.perf_counter() - started

    rate = args.articles / run_s
    print(
        f"articles: {args.articles:,} ({chars / args.articles:,.0f} characters on average), "
        f"reports: {reports:,}"
    )
    print(f"resources (registry, gazetteer) built once: {setup_s:.2f} s")
    gazetteer = resources.gazetteer
    print(f"gazetteer: {len(gazetteer):,} places, {len(gazetteer.names):,} spelling keys")
    print(
        f"pipeline, one core:  {rate:10,.0f} articles/s  "
        f"({run_s:.2f} s; {chars / run_s:,.0f} characters/s)"
    )
    print(f"regex word-split:    {args.articles / floor_s:10,.0f} articles/s  ({floor_s:.3f} s)")
    print(f"ratio pipeline/floor: {run_s / floor_s:,.0f}x slower than splitting words")


if __name__ == "__main__":
    main()
