#include "searcher/weighting.h"

#include <cmath>
#include <cstdlib>

#include "common/error.h"

namespace bilex {

namespace {

struct Model {
  const char* name;
  const char* params;  // as --help shows them
  size_t count;        // how many numeric parameters it takes at most
};

// BM25's constant parts, Xapian's defaults: no k2 term, k3 = 1 (a query
// term's own frequency counts linearly), a floor of 0.5 on the normalized
// document length.
constexpr double kK2 = 0, kK3 = 1, kMinNormLen = 0.5;

constexpr Model kModels[] = {
    {"bm25", "K1,B", 2},
    {"bm25+", "K1,B,DELTA", 3},
    {"ineb2", "C", 1},
    {"inl2", "C", 1},
    {"bb2", "C", 1},
    {"pl2", "C", 1},
    {"pl2+", "C,DELTA", 2},
    {"dph", "", 0},
    {"dlh", "", 0},
    {"lm", "MU (Dirichlet; none: two-stage)", 1},
    {"tfidf", "NORMS (three letters, e.g. ntn)", 0},
    {"trad", "K", 1},
};

const Model* find_model(const std::string& name) {
  for (const Model& m : kModels)
    if (name == m.name) return &m;
  return nullptr;
}

// The numbers of "P1,P2,...": non-negative and finite.
std::vector<double> numbers(const std::string& spec, const std::string& list) {
  std::vector<double> out;
  size_t at = 0;
  while (at <= list.size()) {
    const size_t end = std::min(list.find(',', at), list.size());
    const std::string item = list.substr(at, end - at);
    char* stop = nullptr;
    const double v = std::strtod(item.c_str(), &stop);
    if (item.empty() || *stop != '\0' || !std::isfinite(v) || v < 0)
      throw QueryError("--weighting " + spec + ": '" + item +
                       "' is not a non-negative number");
    out.push_back(v);
    at = end + 1;
  }
  return out;
}

// The i-th parameter of `w`, or `fallback`.
double param(const Weighting& w, size_t i, double fallback) {
  return i < w.params.size() ? w.params[i] : fallback;
}

}  // namespace

Weighting parse_weighting(const std::string& spec) {
  const size_t colon = spec.find(':');
  Weighting w;
  w.model = spec.substr(0, colon);
  const Model* m = find_model(w.model);
  if (!m)
    throw QueryError("--weighting " + spec + ": unknown model '" + w.model +
                     "' (try --help)");
  if (colon != std::string::npos) {
    const std::string rest = spec.substr(colon + 1);
    if (w.model == "tfidf")
      w.norms = rest;
    else
      w.params = numbers(spec, rest);
  }
  if (w.params.size() > m->count)
    throw QueryError("--weighting " + spec + ": " + w.model + " takes " +
                     (m->count ? std::string(m->params) : "no parameters"));
  if ((w.model == "bm25" || w.model == "bm25+") && param(w, 1, 0) > 1)
    throw QueryError("--weighting " + spec + ": B must be in 0..1");
  try {
    (void)make_weight(w, 1, 0.5);
  } catch (const Xapian::InvalidArgumentError& e) {
    throw QueryError("--weighting " + spec + ": " + e.get_msg());
  }
  return w;
}

std::string weighting_help() {
  std::string s;
  for (const Model& m : kModels) {
    if (!s.empty()) s += ", ";
    s += m.name;
    if (*m.params) s += std::string("[:") + m.params + "]";
  }
  return s;
}

std::unique_ptr<Xapian::Weight> make_weight(const Weighting& w, double k1,
                                            double b) {
  const std::string& m = w.model;
  k1 = param(w, 0, k1);
  b = param(w, 1, b);
  if (m == "bm25")
    return std::make_unique<Xapian::BM25Weight>(k1, kK2, kK3, b, kMinNormLen);
  if (m == "bm25+")
    return std::make_unique<Xapian::BM25PlusWeight>(
        k1, kK2, kK3, b, kMinNormLen, param(w, 2, 1.0));
  const double c = param(w, 0, 1.0);
  if (m == "ineb2") return std::make_unique<Xapian::IneB2Weight>(c);
  if (m == "inl2") return std::make_unique<Xapian::InL2Weight>(c);
  if (m == "bb2") return std::make_unique<Xapian::BB2Weight>(c);
  if (m == "pl2") return std::make_unique<Xapian::PL2Weight>(c);
  if (m == "pl2+")
    return std::make_unique<Xapian::PL2PlusWeight>(c, param(w, 1, 0.8));
  if (m == "dph") return std::make_unique<Xapian::DPHWeight>();
  if (m == "dlh") return std::make_unique<Xapian::DLHWeight>();
  if (m == "trad") return std::make_unique<Xapian::TradWeight>(c);
  if (m == "tfidf")
    return std::make_unique<Xapian::TfIdfWeight>(w.norms.empty() ? "ntn"
                                                                 : w.norms);
  if (m == "lm" && !w.params.empty())
    return std::make_unique<Xapian::LMWeight>(
        0.0, Xapian::Weight::DIRICHLET_SMOOTHING, w.params[0], 0.0);
  if (m == "lm") return std::make_unique<Xapian::LMWeight>();
  throw QueryError("--weighting: unknown model '" + m + "'");
}

}  // namespace bilex
