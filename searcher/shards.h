// Opening an index that combines shards through a Xapian stub database
// (local or remote members), naming the members that cannot be reached.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

namespace bilex {

// A database and the stub members left out of it.
struct OpenedShards {
  Xapian::Database db;
  // One line per member that could not be opened: "database N of M (its stub
  // line) did not answer: why". Empty when all are in `db`.
  std::vector<std::string> unavailable;
};

// The stub file of `at` (a stub file itself, or a directory holding one),
// or "" when `at` is neither.
std::string stub_file_of(const std::string& at);

// Whether the stub database `stub` lists a remote member.
bool lists_remote(const std::string& stub);

// Opens each member of the stub database `stub` on its own (Xapian's stub
// syntax: auto|glass PATH, relative to the stub's directory; remote
// HOST:PORT; remote :PROGRAM ARGS) and returns the database of those that
// opened, with the others named; `name` is what the user called the index.
// Throws IndexError when none opened or the stub cannot be read.
OpenedShards open_members(const std::string& stub, const std::string& name);

// The one-line error for a search that needs every member: "index NAME:
// database N of M (...) did not answer: ...".
std::string unavailable_message(const std::string& name,
                                const std::vector<std::string>& unavailable);

}  // namespace bilex
