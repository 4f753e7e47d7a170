// bilex-serve: the search page and the JSON API on HTTP, over the index
// bilex-search reads. Exit statuses: 0 stopped by SIGINT/SIGTERM, 2 usage
// error or address unusable, 3 no usable index.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/cli.h"
#include "common/lexicon.h"
#include "searcher/server.h"

#ifdef __SANITIZE_THREAD__
// cpp-httplib is a compiled library without ThreadSanitizer's
// instrumentation: TSan sees its memory accesses (through memcpy and the
// like) but not its synchronization (such as the inlined check of a
// function-local static's guard), and reports races that are none. Its
// calls are left unchecked; our own code stays checked.
extern "C" const char* __tsan_default_suppressions() {
  return "called_from_lib:libcpp-httplib.so\n";
}
#endif

namespace {

// Blocks SIGINT and SIGTERM in every thread to come; a thread of their own
// waits for them and stops the server.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that went away
  return set;
}

int serve(const bilex::ServeOptions& o) {
  const sigset_t signals = stop_signals();
  if (!bilex::Lexicon::instance().available())
    std::cerr << "bilex-serve: note: no English-Spanish lexicon ("
              << bilex::Lexicon::instance().note() << "): query bridging off\n";
  bilex::Server server(o);
  const int port = server.bind();
  if (port < 0) {
    std::cerr << "bilex-serve: cannot listen on " << o.host << ':' << o.port
              << ": address in use or not this machine's\n";
    return 2;
  }
  std::cout << "bilex-serve: " << o.db << " on http://"
            << (o.host.find(':') != std::string::npos ? "[" + o.host + "]"
                                                      : o.host)
            << ':' << port << "/" << std::endl;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  const bool ok = server.run();
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return ok ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  bilex::ServeOptions o;
  CLI::App app{
      "bilex-serve: a search page and a JSON API (GET /api/search) over a "
      "bilex index, read-only"};
  bilex::add_common_options(app, "bilex-serve", o.db);
  app.add_option("--host", o.host,
                 "Address to listen on (default 127.0.0.1: this machine only)")
      ->capture_default_str();
  app.add_option("--port", o.port, "Port (0: any free one, printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--threads", o.threads,
                 "Searching threads, each with its own index handle (default: "
                 "one a core)")
      ->check(CLI::Range(1, 256));
  app.add_option("--connections", o.connections,
                 "Connection threads (default: 8 a searching thread, at "
                 "least 16)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--backlog", o.backlog,
                 "Connections waiting for a connection thread; beyond, 503 "
                 "with Retry-After")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  return bilex::run_command(app, argc, argv, "bilex-serve", o.db,
                            [&] { return serve(o); });
}
