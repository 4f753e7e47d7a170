// bilex-serve's work: the search page and a JSON API over a pool of
// Searchers, on cpp-httplib. Read-only; one Searcher per searching thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace bilex {

struct ServeOptions {
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8080;           // 0: a free port, chosen by the system
  unsigned threads = 0;      // Searchers (0: one a core)
  unsigned connections = 0;  // connection threads (0: kConnectionsPerThread
                             // a Searcher, at least kMinConnections)
  size_t backlog = 64;       // accepted connections waiting for a thread;
                             // beyond, 503 with Retry-After
  int timeout_s = 5;         // a client's reads and writes, and keep-alive

  static constexpr unsigned kConnectionsPerThread = 8;
  static constexpr unsigned kMinConnections = 16;
  static constexpr size_t kMaxQueryBytes = 2048;
  static constexpr size_t kMaxLimit = 100;       // n
  static constexpr size_t kMaxOffset = 10000;    // offset
  static constexpr size_t kMaxBodyBytes = 8192;  // a request's payload
};

// Opens `opts.threads` Searchers on the index (throws IndexError when there
// is no usable one), binds, then serves until stop().
class Server {
 public:
  explicit Server(const ServeOptions& opts);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds to opts.host:opts.port; returns the port, or -1 when it cannot.
  int bind();
  // Serves on the bound socket until stop(); false on a listening error.
  bool run();
  // From any thread: ends run() (connections in progress are finished).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bilex
