#include "common/stopwords.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace bilex {
namespace {

// Function words only: articles, pronouns, prepositions, conjunctions,
// auxiliaries. Content words never belong here.
const std::unordered_set<std::string_view>& english() {
  static const std::unordered_set<std::string_view> words = {
      "a",          "about",   "above",   "after",     "again",
      "against",    "all",     "am",      "an",        "and",
      "any",        "are",     "aren't",  "as",        "at",
      "be",         "because", "been",    "before",    "being",
      "below",      "between", "both",    "but",       "by",
      "can't",      "cannot",  "could",   "couldn't",  "did",
      "didn't",     "do",      "does",    "doesn't",   "doing",
      "don't",      "down",    "during",  "each",      "few",
      "for",        "from",    "further", "had",       "hadn't",
      "has",        "hasn't",  "have",    "haven't",   "having",
      "he",         "he'd",    "he'll",   "he's",      "her",
      "here",       "here's",  "hers",    "herself",   "him",
      "himself",    "his",     "how",     "how's",     "i",
      "i'd",        "i'll",    "i'm",     "i've",      "if",
      "in",         "into",    "is",      "isn't",     "it",
      "it's",       "its",     "itself",  "let's",     "me",
      "more",       "most",    "mustn't", "my",        "myself",
      "no",         "nor",     "not",     "of",        "off",
      "on",         "once",    "only",    "or",        "other",
      "ought",      "our",     "ours",    "ourselves", "out",
      "over",       "own",     "same",    "shan't",    "she",
      "she'd",      "she'll",  "she's",   "should",    "shouldn't",
      "so",         "some",    "such",    "than",      "that",
      "that's",     "the",     "their",   "theirs",    "them",
      "themselves", "then",    "there",   "there's",   "these",
      "they",       "they'd",  "they'll", "they're",   "they've",
      "this",       "those",   "through", "to",        "too",
      "under",      "until",   "up",      "very",      "was",
      "wasn't",     "we",      "we'd",    "we'll",     "we're",
      "we've",      "were",    "weren't", "what",      "what's",
      "when",       "when's",  "where",   "where's",   "which",
      "while",      "who",     "who's",   "whom",      "why",
      "why's",      "will",    "with",    "won't",     "would",
      "wouldn't",   "you",     "you'd",   "you'll",    "you're",
      "you've",     "your",    "yours",   "yourself",  "yourselves"};
  return words;
}

const std::unordered_set<std::string_view>& spanish() {
  static const std::unordered_set<std::string_view> words = {
      "a",       "al",      "algo",     "algunas", "algunos",  "ante",
      "antes",   "como",    "con",      "contra",  "cual",     "cuando",
      "de",      "del",     "desde",    "donde",   "durante",  "e",
      "el",      "ella",    "ellas",    "ellos",   "en",       "entre",
      "era",     "erais",   "eran",     "eras",    "eres",     "es",
      "esa",     "esas",    "ese",      "eso",     "esos",     "esta",
      "estaba",  "estaban", "estado",   "estais",  "estamos",  "estan",
      "estar",   "estas",   "este",     "esto",    "estos",    "estoy",
      "fue",     "fueron",  "fui",      "ha",      "habia",    "habian",
      "han",     "has",     "hasta",    "hay",     "he",       "la",
      "las",     "le",      "les",      "lo",      "los",      "me",
      "mi",      "mis",     "mucho",    "muchos",  "muy",      "mas",
      "nada",    "ni",      "no",       "nos",     "nosotros", "o",
      "os",      "otra",    "otras",    "otro",    "otros",    "para",
      "pero",    "poco",    "por",      "porque",  "que",      "quien",
      "quienes", "se",      "sea",      "sean",    "ser",      "si",
      "sido",    "siendo",  "sin",      "sobre",   "sois",     "somos",
      "son",     "soy",     "su",       "sus",     "suya",     "suyas",
      "suyo",    "suyos",   "tambien",  "tanto",   "te",       "tenemos",
      "tener",   "tengo",   "ti",       "tiene",   "tienen",   "todo",
      "todos",   "tu",      "tus",      "un",      "una",      "unas",
      "uno",     "unos",    "vosotros", "y",       "ya",       "yo"};
  return words;
}

}  // namespace

bool is_stopword(std::string_view term, Lang lang) {
  switch (lang) {
    case Lang::en:
      return english().count(term) != 0;
    case Lang::es:
      return spanish().count(term) != 0;
    case Lang::und:
      break;
  }
  return false;
}

std::vector<std::string_view> stopwords(Lang lang) {
  std::vector<std::string_view> out;
  if (lang == Lang::en) out.assign(english().begin(), english().end());
  if (lang == Lang::es) out.assign(spanish().begin(), spanish().end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bilex
