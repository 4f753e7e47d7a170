"""scripts/ir_metrics.py against values computed by hand."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import ir_metrics as m  # noqa: E402


class Metrics(unittest.TestCase):
    # One query: d1 (rel 3) and d4 (rel 1) are relevant, d9 is judged 0.
    qrels = {"d1": 3, "d4": 1, "d9": 0}

    def test_ndcg_graded(self):
        # Ranked d2 d1 d3 d4: DCG = (2^3-1)/log2(3) + (2^1-1)/log2(5)
        #                   = 7/1.5849625 + 1/2.3219281 = 4.4165 + 0.4307 = 4.8472
        # Ideal d1 d4:       7/log2(2) + 1/log2(3) = 7 + 0.6309 = 7.6309
        got = m.ndcg_at(["d2", "d1", "d3", "d4"], self.qrels, 10)
        self.assertAlmostEqual(got, 4.84718 / 7.63093, places=4)

    def test_ndcg_perfect_and_cutoff(self):
        self.assertAlmostEqual(m.ndcg_at(["d1", "d4"], self.qrels), 1.0)
        # Only the first rank counts at k=1: d4 alone gives 1/7.
        self.assertAlmostEqual(m.ndcg_at(["d4", "d1"], self.qrels, 1), 1 / 7)
        self.assertEqual(m.ndcg_at(["d9", "d2"], self.qrels), 0.0)

    def test_average_precision(self):
        # Relevant at ranks 2 and 4: (1/2 + 2/4) / 2 = 0.5
        self.assertAlmostEqual(m.average_precision(["d2", "d1", "d3", "d4"], self.qrels), 0.5)
        # One of two found, at rank 1: (1/1) / 2
        self.assertAlmostEqual(m.average_precision(["d1", "d2"], self.qrels), 0.5)
        # Cut at depth 1 before the second relevant: still (1/1) / 2.
        self.assertAlmostEqual(m.average_precision(["d1", "d4"], self.qrels, depth=1), 0.5)

    def test_precision_recall_rr(self):
        ranked = ["d2", "d1", "d3", "d4"]
        self.assertAlmostEqual(m.precision_at(ranked, self.qrels, 10), 0.2)
        self.assertAlmostEqual(m.precision_at(ranked, self.qrels, 2), 0.5)
        self.assertAlmostEqual(m.recall_at(ranked, self.qrels, 100), 1.0)
        self.assertAlmostEqual(m.recall_at(ranked, self.qrels, 3), 0.5)
        self.assertAlmostEqual(m.reciprocal_rank(ranked, self.qrels), 0.5)
        self.assertEqual(m.reciprocal_rank(["d2", "d3"], self.qrels), 0.0)

    def test_evaluate_means_and_unjudged(self):
        qrels = {"q1": {"a": 1}, "q2": {"b": 2, "c": 1}, "q3": {"x": 0}}
        run = {"q1": ["a"], "q2": ["z", "c"]}  # q2: c at rank 2; q3 unjudged
        r = m.evaluate(run, qrels)
        self.assertEqual(r["queries"], 2)
        self.assertEqual(r["zero_results"], 0)
        # q1: perfect. q2: DCG = 1/log2(3); IDCG = 3 + 1/log2(3).
        q2 = (1 / math.log2(3)) / (3 + 1 / math.log2(3))
        self.assertAlmostEqual(r["ndcg@10"], (1 + q2) / 2)
        self.assertAlmostEqual(r["map"], (1 + 0.25) / 2)  # q2: (1/2) / 2
        self.assertAlmostEqual(r["mrr@10"], (1 + 0.5) / 2)
        r = m.evaluate({}, qrels)  # no results: zeros, counted
        self.assertEqual(r["zero_results"], 2)
        self.assertEqual(r["ndcg@10"], 0.0)


if __name__ == "__main__":
    unittest.main()
