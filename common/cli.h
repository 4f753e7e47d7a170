// What the commands' mains share: --version, --db and its default, the
// parse of the command line, and the exit status of a failure.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace bilex {

// Adds --version (printing "NAME VERSION") and --db, bound to DB, which it
// sets to the default: $BILEX_DB when set and not empty, else ./index.
void add_common_options(CLI::App& app, const std::string& name,
                        std::string& db);

// Parses the command line and runs BODY, returning its exit status. The run
// ends at the parse for --help and --version (0) and for a usage error,
// said on stderr (2). What BODY throws is said on stderr as "NAME: message"
// (a Xapian error with the index DB named), with exit status 2 for a
// UsageError or QueryError and 3 for anything else.
int run_command(CLI::App& app, int argc, char** argv, const std::string& name,
                const std::string& db, const std::function<int()>& body);

}  // namespace bilex
