# Writes OUT, a C++ file that defines bilex::page_files() over FILES (the
# search page's files), each as bytes. Run by the build (cmake -P) when a
# file changes.
set(entries "")
set(arrays "")
set(i 0)
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  file(READ ${f} hex HEX)
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char kFile${i}[] = {${bytes}0};\n")
  string(APPEND entries "    {\"${name}\", {reinterpret_cast<const char*>(kFile${i}), ${n}}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(CONFIGURE OUTPUT ${OUT} CONTENT "// Generated from searcher/page/ by searcher/page_embed.cmake.
#include \"searcher/page.h\"

namespace bilex {
namespace {
${arrays}
const PageFile kFiles[] = {
${entries}};
}  // namespace

const PageFile* page_files(size_t* count) {
  *count = sizeof kFiles / sizeof kFiles[0];
  return kFiles;
}

}  // namespace bilex
" @ONLY)
