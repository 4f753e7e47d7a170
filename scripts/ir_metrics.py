"""Ranking-quality metrics with the standard (trec_eval) definitions.

A run is a ranked list of document ids; qrels map each id to a graded
relevance (rel > 0 is relevant). Every function takes (ranked, qrels) for one
query; callers average over the judged queries (those with at least one
relevant document), counting a query without results as 0.
"""
import math


def ndcg_at(ranked, qrels, k=10):
    """nDCG@k with exponential gains 2^rel - 1 and a log2(rank + 1) discount;
    the ideal ranking is every judged document sorted by relevance."""
    def dcg(rels):
        return sum((2 ** r - 1) / math.log2(i + 2) for i, r in enumerate(rels[:k]) if r > 0)
    ideal = dcg(sorted((r for r in qrels.values() if r > 0), reverse=True))
    if ideal == 0:
        return 0.0
    return dcg([qrels.get(d, 0) for d in ranked]) / ideal


def average_precision(ranked, qrels, depth=None):
    """AP: the mean, over all relevant documents, of the precision at the rank
    where each was found (0 for those not found within `depth`)."""
    relevant = sum(1 for r in qrels.values() if r > 0)
    if relevant == 0:
        return 0.0
    found = total = 0.0
    for i, d in enumerate(ranked[:depth] if depth else ranked):
        if qrels.get(d, 0) > 0:
            found += 1
            total += found / (i + 1)
    return total / relevant


def precision_at(ranked, qrels, k=10):
    """Relevant documents among the first k, divided by k (even when fewer
    came back)."""
    return sum(1 for d in ranked[:k] if qrels.get(d, 0) > 0) / k


def recall_at(ranked, qrels, k=100):
    relevant = sum(1 for r in qrels.values() if r > 0)
    if relevant == 0:
        return 0.0
    return sum(1 for d in ranked[:k] if qrels.get(d, 0) > 0) / relevant


def reciprocal_rank(ranked, qrels, k=10):
    """1 / the rank of the first relevant document within k, else 0."""
    for i, d in enumerate(ranked[:k]):
        if qrels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate(run, qrels, depth=100):
    """Mean metrics over the queries of `qrels` that have a relevant document.
    run: {qid: [doc ids, best first]}; qrels: {qid: {doc id: rel}}."""
    judged = [q for q, rels in qrels.items() if any(r > 0 for r in rels.values())]
    if not judged:
        return {}
    sums = {"ndcg@10": 0.0, "map": 0.0, "p@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    zero = 0
    for q in judged:
        ranked = run.get(q, [])[:depth]
        if not ranked:
            zero += 1
        rels = qrels[q]
        sums["ndcg@10"] += ndcg_at(ranked, rels, 10)
        sums["map"] += average_precision(ranked, rels)
        sums["p@10"] += precision_at(ranked, rels, 10)
        sums["recall@100"] += recall_at(ranked, rels, 100)
        sums["mrr@10"] += reciprocal_rank(ranked, rels, 10)
    out = {k: v / len(judged) for k, v in sums.items()}
    out["queries"] = len(judged)
    out["zero_results"] = zero
    return out
