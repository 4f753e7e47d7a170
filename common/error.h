// The error types of the library and the binaries, one family under Error.
// The binaries' mains map them to exit statuses (common/cli.h).
#pragma once

#include <stdexcept>

namespace bilex {

// A failure the user can act on; what() is a one-line message.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The index is missing, locked, or was built by an incompatible schema.
// Exit status 3.
class IndexError : public Error {
 public:
  using Error::Error;
};

// An option that does not fit the index (a shard count that differs from
// the index's without --rebuild). Exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A query that cannot be understood. Exit status 2 (bilex-serve answers it
// with HTTP 400).
class QueryError : public Error {
 public:
  using Error::Error;
};

// An article or record that cannot be read; the indexer skips it with this
// reason.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace bilex
