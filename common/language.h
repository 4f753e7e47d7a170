// Languages bilex knows, and language identification of a text (CLD2).
#pragma once

#include <optional>
#include <string_view>

namespace bilex {

enum class Lang { und, en, es };

// "en", "es" or "und".
[[nodiscard]] std::string_view lang_code(Lang lang);

// Parses "en"/"es"/"und" (also "english"/"spanish", any case); nullopt for
// anything else.
[[nodiscard]] std::optional<Lang> parse_lang(std::string_view code);

struct LangGuess {
  Lang lang = Lang::und;
  double confidence = 0.0;  // 0..1
};

// Identifies the language of `text` (UTF-8; ill-formed bytes are tolerated).
// Returns und when the text is too short or in neither English nor Spanish.
// Thread-safe.
[[nodiscard]] LangGuess detect_language(std::string_view text);

}  // namespace bilex
