#include "common/cli.h"

#include <xapian.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "common/error.h"

namespace bilex {

void add_common_options(CLI::App& app, const std::string& name,
                        std::string& db) {
  const char* env_db = std::getenv("BILEX_DB");
  db = env_db && *env_db ? env_db : "./index";
  app.set_version_flag("--version", name + " " + BILEX_VERSION);
  app.add_option("--db", db,
                 "Index directory (default: $BILEX_DB, else ./index)");
}

namespace {

// Called inside a catch block: says what was thrown, returns the status.
int report_failure(const std::string& name, const std::string& db) {
  try {
    throw;
  } catch (const UsageError& e) {
    std::cerr << name << ": " << e.what() << '\n';
    return 2;
  } catch (const QueryError& e) {
    std::cerr << name << ": " << e.what() << '\n';
    return 2;
  } catch (const Xapian::Error& e) {
    std::cerr << name << ": " << db << ": " << e.get_description() << '\n';
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << '\n';
  }
  return 3;
}

}  // namespace

int run_command(CLI::App& app, int argc, char** argv, const std::string& name,
                const std::string& db, const std::function<int()>& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return body();
  } catch (...) {
    return report_failure(name, db);
  }
}

}  // namespace bilex
