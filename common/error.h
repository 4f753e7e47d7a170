// Error types shared by the library and the two binaries.
#pragma once

#include <stdexcept>

namespace bilex {

// A failure the user can act on; what() is a one-line message.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The index is missing, locked, or was built by an incompatible schema.
// The binaries map it to exit status 3.
class IndexError : public Error {
 public:
  using Error::Error;
};

// An option that does not fit the index (a shard count that differs from
// the index's without --rebuild); the binaries map it to exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A query that cannot be understood; the searcher maps it to exit status 2.
class QueryError : public Error {
 public:
  using Error::Error;
};

}  // namespace bilex
