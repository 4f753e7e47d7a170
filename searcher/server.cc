#include "searcher/server.h"

#include <httplib.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/error.h"
#include "searcher/page.h"
#include "searcher/printer.h"
#include "searcher/searcher.h"

namespace bilex {
namespace {

// Set on the thread that answers connections beyond the backlog.
thread_local bool t_overflow = false;

// httplib's thread pool with a bound: connections beyond `backlog` waiting
// for a thread go to one overflow thread, which answers each with 503.
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(size_t threads, size_t backlog) : backlog_(backlog) {
    for (size_t i = 0; i < threads; ++i)
      threads_.emplace_back([this] { work(jobs_, jobs_cv_, false); });
    threads_.emplace_back([this] { work(overflow_, overflow_cv_, true); });
  }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    if (jobs_.size() < backlog_) {
      jobs_.push_back(std::move(fn));
      lock.unlock();
      jobs_cv_.notify_one();
    } else {
      overflow_.push_back(std::move(fn));
      lock.unlock();
      overflow_cv_.notify_one();
    }
  }

  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    jobs_cv_.notify_all();
    overflow_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  using Queue = std::deque<std::function<void()>>;

  void work(Queue& queue, std::condition_variable& cv, bool overflow) {
    t_overflow = overflow;
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        cv.wait(lock, [&] { return !queue.empty() || stop_; });
        if (queue.empty()) return;
        fn = std::move(queue.front());
        queue.pop_front();
      }
      fn();
    }
  }

  const size_t backlog_;
  std::mutex mutex_;
  std::condition_variable jobs_cv_, overflow_cv_;
  Queue jobs_, overflow_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

// Searchers lent to one request at a time.
class SearcherPool {
 public:
  SearcherPool(const std::string& db, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      free_.push_back(std::make_unique<Searcher>(db));
  }

  // Waits for a free Searcher, brings it to the latest commit, runs `fn`.
  template <typename Fn>
  auto with_searcher(Fn&& fn) {
    std::unique_ptr<Searcher> s;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return !free_.empty(); });
      s = std::move(free_.back());
      free_.pop_back();
    }
    struct Return {
      SearcherPool* pool;
      std::unique_ptr<Searcher>* s;
      ~Return() {
        {
          std::lock_guard lock(pool->mutex_);
          pool->free_.push_back(std::move(*s));
        }
        pool->cv_.notify_one();
      }
    } give_back{this, &s};
    s->refresh();
    return fn(*s);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Searcher>> free_;
};

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr std::array<std::string_view, 9> kParams = {
    "q", "n", "offset", "match", "lang", "sort", "bridge", "since", "until"};

void send_error(httplib::Response& res, int status, const std::string& why) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", why}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace),
                  kJson);
}

// Parameter `name` as an integer in [0, max]; `fallback` when absent.
size_t number_param(const httplib::Request& req, const char* name,
                    size_t fallback, size_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  size_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n > max)
    throw QueryError("parameter " + std::string(name) +
                     ": expected a whole number from 0 to " +
                     std::to_string(max) + ", got '" + v + "'");
  return n;
}

// Parameter `name`, one of `allowed` (comma-separated), or "" when absent.
std::string choice_param(const httplib::Request& req, const char* name,
                         const std::string& allowed) {
  if (!req.has_param(name)) return "";
  const std::string v = req.get_param_value(name);
  const std::string padded = "," + allowed + ",";
  if (v.empty() || v.find(',') != std::string::npos ||
      padded.find("," + v + ",") == std::string::npos)
    throw QueryError("parameter " + std::string(name) + ": expected one of " +
                     allowed + ", got '" + v + "'");
  return v;
}

// The SearchRequest of /api/search, as bilex-search --format json makes it.
SearchRequest search_request(const httplib::Request& req) {
  for (const auto& [name, value] : req.params) {
    if (std::find(kParams.begin(), kParams.end(), name) != kParams.end())
      continue;
    std::string known;
    for (std::string_view p : kParams)
      known += (known.empty() ? "" : ", ") + std::string(p);
    throw QueryError("unknown parameter '" + name + "' (known: " + known + ")");
  }
  SearchRequest r;
  r.query = req.get_param_value("q");
  if (r.query.find_first_not_of(" \t\r\n") == std::string::npos)
    throw QueryError("parameter q: no query given");
  if (r.query.size() > ServeOptions::kMaxQueryBytes)
    throw QueryError("parameter q: " + std::to_string(r.query.size()) +
                     " bytes, over the limit of " +
                     std::to_string(ServeOptions::kMaxQueryBytes));
  r.limit = number_param(req, "n", r.limit, ServeOptions::kMaxLimit);
  r.offset = number_param(req, "offset", 0, ServeOptions::kMaxOffset);
  const std::string match = choice_param(req, "match", "all,any");
  if (match == "all") r.match = MatchMode::all;
  if (match == "any") r.match = MatchMode::any;
  const std::string lang = choice_param(req, "lang", "en,es,und");
  if (!lang.empty()) r.lang = parse_lang(lang);
  if (choice_param(req, "sort", "relevance,date") == "date")
    r.sort = SortOrder::date;
  r.bridge = choice_param(req, "bridge", "on,off") != "off";
  r.since = req.get_param_value("since");
  r.until = req.get_param_value("until");
  r.translations = true;
  return r;
}

}  // namespace

struct Server::Impl {
  ServeOptions opts;
  SearcherPool pool;
  httplib::Server http;

  explicit Impl(const ServeOptions& o)
      : opts(o), pool(o.db, o.threads ? o.threads : 1) {}

  void search(const httplib::Request& req, httplib::Response& res);
  void health(httplib::Response& res);
  void routes();
  void limits();
};

void Server::Impl::search(const httplib::Request& req, httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  try {
    const SearchRequest r = search_request(req);
    const SearchResult result =
        pool.with_searcher([&](Searcher& s) { return s.search(r); });
    res.set_content(result_json(result, false), kJson);
  } catch (const QueryError& e) {
    send_error(res, 400, e.what());
  } catch (const IndexError& e) {
    send_error(res, 503, e.what());
  } catch (const Xapian::Error& e) {
    send_error(res, 503, "index " + opts.db + ": " + e.get_description());
  }
}

void Server::Impl::health(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  try {
    const Xapian::Database db(opts.db);
    res.set_content(
        nlohmann::json{{"status", "ok"}, {"documents", db.get_doccount()}}
            .dump(),
        kJson);
  } catch (const Xapian::Error& e) {
    send_error(res, 503, "index " + opts.db + ": " + e.get_description());
  }
}

namespace {

const char* content_type(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".png")) return "image/png";
  return "application/octet-stream";
}

// Headers of every answer: the page runs only its own script and style,
// and talks only to this server.
void secure(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; "
                 "connect-src 'self'; img-src 'self'; form-action 'self'; "
                 "base-uri 'none'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
}

bool known_path(const std::string& path) {
  if (path == "/" || path == "/api/search" || path == "/api/health")
    return true;
  size_t count = 0;
  const PageFile* files = page_files(&count);
  return std::any_of(files, files + count, [&](const PageFile& f) {
    return path.size() > 1 && path.substr(1) == f.name;
  });
}

// A request with a body (httplib reads none for GET): refused, and the
// connection closed, so that the body is never read as the next request.
// Whether it was refused.
bool refused_body(const httplib::Request& req, httplib::Response& res) {
  const std::string length = req.get_header_value("Content-Length");
  size_t bytes = 0;
  const auto [end, ec] =
      std::from_chars(length.data(), length.data() + length.size(), bytes);
  if (ec != std::errc() || bytes > ServeOptions::kMaxBodyBytes)
    send_error(res, 413,
               "request too large: a body of " + length +
                   " bytes (the API reads none)");
  else if (req.method == "GET" || req.method == "HEAD")
    send_error(res, 400, "a " + req.method + " request has no body");
  else
    return false;
  res.set_header("Connection", "close");
  return true;
}

}  // namespace

void Server::Impl::routes() {
  http.Get("/api/search", [this](const httplib::Request& req,
                                 httplib::Response& res) { search(req, res); });
  http.Get("/api/health", [this](const httplib::Request&,
                                 httplib::Response& res) { health(res); });
  size_t count = 0;
  const PageFile* files = page_files(&count);
  for (size_t i = 0; i < count; ++i) {
    const PageFile& f = files[i];
    std::string path = "/";
    if (f.name != "index.html") path += f.name;
    http.Get(path, [f](const httplib::Request&, httplib::Response& res) {
      res.set_content(f.body.data(), f.body.size(), content_type(f.name));
    });
  }
}

void Server::Impl::limits() {
  http.new_task_queue = [this] {
    const unsigned n =
        opts.connections
            ? opts.connections
            : std::max(ServeOptions::kMinConnections,
                       ServeOptions::kConnectionsPerThread * opts.threads);
    return new BoundedPool(n, opts.backlog);
  };
  http.set_tcp_nodelay(true);
  http.set_read_timeout(opts.timeout_s);
  http.set_write_timeout(opts.timeout_s);
  http.set_keep_alive_timeout(opts.timeout_s);
  http.set_keep_alive_max_count(1000);
  http.set_payload_max_length(ServeOptions::kMaxBodyBytes);
  http.set_pre_routing_handler([](const httplib::Request& req,
                                  httplib::Response& res) {
    secure(res);
    if (t_overflow) {
      res.set_header("Retry-After", "1");
      res.set_header("Connection", "close");
      send_error(res, 503, "server busy: too many connections waiting; retry");
      return httplib::Server::HandlerResponse::Handled;
    }
    if ((req.has_header("Content-Length") ||
         req.has_header("Transfer-Encoding")) &&
        refused_body(req, res))
      return httplib::Server::HandlerResponse::Handled;
    if (req.method == "GET" || req.method == "HEAD" || !known_path(req.path))
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("Allow", "GET, HEAD");
    send_error(res, 405,
               "method " + req.method + " not allowed on " + req.path +
                   " (GET or HEAD)");
    return httplib::Server::HandlerResponse::Handled;
  });
}

namespace {

// The words of an error answer httplib makes itself (no handler ran).
std::string status_words(int status) {
  switch (status) {
    case 404:
      return "no such page";
    case 413:
      return "request too large";
    case 414:
      return "request URI too long";
    case 431:
      return "request headers too large";
    default:
      return "bad request";
  }
}

}  // namespace

Server::Server(const ServeOptions& opts) {
  ServeOptions o = opts;
  if (!o.threads) o.threads = std::max(1u, std::thread::hardware_concurrency());
  impl_ = std::make_unique<Impl>(o);
  impl_->routes();
  impl_->limits();
  impl_->http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        secure(res);
        send_error(res, res.status, status_words(res.status) + ": " + req.path);
        return httplib::Server::HandlerResponse::Handled;
      }));
  impl_->http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_error(res, 500, "internal error");
      });
}

Server::~Server() = default;

int Server::bind() {
  const ServeOptions& o = impl_->opts;
  if (o.port == 0) return impl_->http.bind_to_any_port(o.host);
  return impl_->http.bind_to_port(o.host, o.port) ? o.port : -1;
}

bool Server::run() { return impl_->http.listen_after_bind(); }

void Server::stop() { impl_->http.stop(); }

}  // namespace bilex
