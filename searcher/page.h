// The search page's files (searcher/page/), embedded into bilex-serve by
// the build.
#pragma once

#include <cstddef>
#include <string_view>

namespace bilex {

struct PageFile {
  std::string_view name;  // file name in searcher/page/
  std::string_view body;
};

// Every file of searcher/page/, in no particular order.
[[nodiscard]] const PageFile* page_files(size_t* count);

}  // namespace bilex
