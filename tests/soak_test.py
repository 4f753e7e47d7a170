#!/usr/bin/env python3
"""Readers during writes: searchers query in a loop, in several processes,
while bilex-index adds, changes and removes articles (and now and then
rebuilds the index), and every answer is checked.

Each article carries its id and version in its title ("Soak a0012 v3") and
in its text ("soakall soakv3 soakid0012 ..."). Every indexer run changes
fewer articles than a commit holds, so each run commits once and the index
goes through known states S0, S1, ... An answer passes when the query
succeeded, its JSON parses, no article appears twice, and the set of
(article, version) it returns is exactly what one of those states holds for
that query; a version query's snippets must highlight the version word.

usage: soak_test.py BILEX_INDEX BILEX_SEARCH CORPUS_DIR [SECONDS]
  SECONDS (default 20, or $BILEX_SOAK_SECONDS): how long the writer runs.
  $BILEX_SOAK_BATCH (default 200): queries a batch process answers.
Prints a summary (queries served, index updates, failures); exits 1 on any
failure.
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TITLE = re.compile(r"^Soak (a\d{4}) v(\d+)$")
READER_LOOPS = 2  # processes started one per query
BATCH_LOOPS = 1  # processes answering a batch of queries each
BATCH_SIZE = int(os.environ.get("BILEX_SOAK_BATCH", "200"))  # queries a batch
LIMIT = 5000  # more than the articles ever indexed


def write_article(root, seeds, aid, ver):
    seed = seeds[int(aid[1:]) % len(seeds)]
    path = os.path.join(root, aid + ".txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: Soak {aid} v{ver}\n---\n"
                f"soakall soakv{ver} soakid{aid[1:]} {seed}\n")


def expected(state, query):
    """The (id, version) pairs that `state` answers for `query`."""
    if query == "soakall":
        return frozenset(state.items())
    ver = int(query[len("soakv"):])
    return frozenset((a, v) for a, v in state.items() if v == ver)


class Checker:
    def __init__(self):
        self.lock = threading.Lock()
        self.states = []  # every state the index may be in, in order
        self.served = 0
        self.failures = []

    def add_state(self, state):
        with self.lock:
            self.states.append(dict(state))

    def fail(self, why):
        with self.lock:
            self.failures.append(why)
            if len(self.failures) <= 20:
                print("FAIL    - " + why, flush=True)

    def check(self, query, answer, snippets):
        """Checks one answer (a parsed JSON object) to `query`."""
        if "error" in answer:
            self.fail(f"{query}: error {answer['error']}")
            return
        seen = set()
        for hit in answer.get("hits", []):
            m = TITLE.match(hit.get("title", ""))
            if not m:
                self.fail(f"{query}: unexpected title {hit.get('title')!r}")
                return
            if m.group(1) in {a for a, _ in seen}:
                self.fail(f"{query}: {m.group(1)} appears twice")
                return
            seen.add((m.group(1), int(m.group(2))))
            if snippets and query != "soakall" and (
                    f"<mark>{query}</mark>" not in hit.get("snippet", "")):
                self.fail(f"{query}: snippet of {hit['id']} does not "
                          f"highlight it: {hit.get('snippet', '')[:120]!r}")
                return
        if answer.get("total") != len(seen):
            self.fail(f"{query}: total {answer.get('total')} but "
                      f"{len(seen)} hits")
            return
        got = frozenset(seen)
        with self.lock:
            states = list(self.states)
            self.served += 1
        if not any(expected(s, query) == got for s in states):
            self.fail(f"{query}: {len(got)} hits match no committed state")


def queries_for(rng, checker):
    with checker.lock:
        top = max(v for s in checker.states for v in s.values())
    if rng.random() < 0.5:
        return "soakall"
    return f"soakv{rng.randint(0, top)}"


def guarded(loop):
    """Runs a reader loop; an exception in it is a failure, not a lost thread."""
    def run(search, db, checker, stop, seed):
        try:
            loop(search, db, checker, stop, seed)
        except Exception as e:  # noqa: BLE001 - reported as a failure
            checker.fail(f"{loop.__name__}: {e!r}")
    return run


@guarded
def reader_loop(search, db, checker, stop, seed):
    """One bilex-search process per query."""
    rng = random.Random(seed)
    while not stop.is_set():
        q = queries_for(rng, checker)
        snippets = q != "soakall"
        cmd = [search, "--db", db, "--format", "json", "-n", str(LIMIT), q]
        if not snippets:
            cmd.insert(1, "--no-snippets")
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            checker.fail(f"{q}: exit {p.returncode}: {p.stderr.strip()}")
            continue
        try:
            answer = json.loads(p.stdout)
        except ValueError:
            checker.fail(f"{q}: output is not JSON: {p.stdout[:200]!r}")
            continue
        checker.check(q, answer, snippets)


@guarded
def batch_loop(search, db, checker, stop, seed):
    """Long-lived bilex-search processes answering BATCH_SIZE queries each,
    on one thread or three."""
    rng = random.Random(seed)
    batches = 0
    while not stop.is_set():
        qs = [queries_for(rng, checker) for _ in range(BATCH_SIZE)]
        # One searching thread (with its snippet helper), then three.
        threads = "1" if batches % 2 == 0 else "3"
        batches += 1
        p = subprocess.run(
            [search, "--db", db, "-n", str(LIMIT), "--queries", "-",
             "--threads", threads],
            input="\n".join(qs) + "\n", capture_output=True, text=True)
        lines = p.stdout.splitlines()
        if p.returncode != 0 or len(lines) != len(qs):
            checker.fail(f"batch: exit {p.returncode}, {len(lines)} answers "
                         f"to {len(qs)} queries: {p.stderr.strip()[:200]}")
            continue
        for q, line in zip(qs, lines):
            try:
                answer = json.loads(line)
            except ValueError:
                checker.fail(f"batch {q}: not JSON: {line[:200]!r}")
                continue
            checker.check(q, answer, snippets=True)


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__.strip().splitlines()[-5], file=sys.stderr)
        return 2
    index, search, corpus = sys.argv[1:4]
    seconds = float(sys.argv[4] if len(sys.argv) == 5 else
                    os.environ.get("BILEX_SOAK_SECONDS", "20"))
    seeds = []
    for name in sorted(os.listdir(corpus)):
        if name.endswith(".txt"):
            with open(os.path.join(corpus, name), encoding="utf-8") as f:
                seeds.append(" ".join(f.read().split()))
    if not seeds:
        print(f"soak_test: no .txt articles in {corpus}", file=sys.stderr)
        return 2

    work = tempfile.mkdtemp(prefix="bilex-soak.",
                            dir=os.environ.get("TMPDIR", "/tmp"))
    try:
        return run(index, search, seeds, work, seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(index, search, seeds, work, seconds):
    rng = random.Random(20261201)
    root, db = os.path.join(work, "articles"), os.path.join(work, "db")
    os.mkdir(root)
    state, next_id = {}, 0
    for _ in range(300):
        aid = f"a{next_id:04d}"
        next_id += 1
        state[aid] = 0
        write_article(root, seeds, aid, 0)
    checker = Checker()
    checker.add_state(state)
    p = subprocess.run([index, "--db", db, "-q", root], capture_output=True,
                       text=True)
    if p.returncode != 0:
        print(f"soak_test: first build failed: {p.stderr}", file=sys.stderr)
        return 1

    stop = threading.Event()
    threads = [threading.Thread(target=reader_loop,
                                args=(search, db, checker, stop, i))
               for i in range(READER_LOOPS)]
    threads += [threading.Thread(target=batch_loop,
                                 args=(search, db, checker, stop, 100 + i))
                for i in range(BATCH_LOOPS)]
    for t in threads:
        t.start()

    updates = rebuilds = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not checker.failures:
        ids = sorted(state)
        for aid in rng.sample(ids, k=max(1, len(ids) // 20)):  # removed
            os.remove(os.path.join(root, aid + ".txt"))
            del state[aid]
        for aid in rng.sample(sorted(state), k=len(state) // 10):  # changed
            state[aid] += 1
            write_article(root, seeds, aid, state[aid])
        for _ in range(rng.randint(5, 25)):  # added
            aid = f"a{next_id:04d}"
            next_id += 1
            state[aid] = 0
            write_article(root, seeds, aid, 0)
        # The state is known to the readers before any of it can be seen.
        checker.add_state(state)
        rebuild = updates % 5 == 4
        cmd = [index, "--db", db, "-q"] + (["--rebuild"] if rebuild else [])
        p = subprocess.run(cmd + [root], capture_output=True, text=True)
        if p.returncode != 0:
            checker.fail(f"bilex-index exit {p.returncode}: {p.stderr}")
        updates += 1
        rebuilds += rebuild

    stop.set()
    for t in threads:
        t.join()
    print(f"soak: {checker.served} answers checked during {updates} index "
          f"updates ({rebuilds} rebuilds), {len(state)} articles at the end, "
          f"{len(checker.failures)} failures")
    if checker.served < 10 * READER_LOOPS:
        print("FAIL    - too few answers checked", flush=True)
        return 1
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
