// The weighting scheme of a search: BM25 by default, or another of
// Xapian's models, named as --weighting MODEL[:PARAMS] names it.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace bilex {

struct Weighting {
  // The model's name, as weighting_help() lists it.
  std::string model = "bm25";
  // Its numeric parameters, in the order weighting_help() gives; empty:
  // the defaults (for bm25 and bm25+, k1 and b are SearchRequest's).
  std::vector<double> params;
  std::string norms;  // tfidf's normalizations (Xapian's three letters)
};

// Parses MODEL[:P1,P2...]; throws QueryError naming the spec and the reason
// for an unknown model or bad parameters.
[[nodiscard]] Weighting parse_weighting(const std::string& spec);

// The models and their parameters, for --help.
[[nodiscard]] std::string weighting_help();

// The Xapian weighting scheme of `w`; BM25's k1 and b when it has none.
[[nodiscard]] std::unique_ptr<Xapian::Weight> make_weight(const Weighting& w,
                                                          double k1, double b);

}  // namespace bilex
