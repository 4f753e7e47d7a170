#include "searcher/shards.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "common/error.h"
#include "common/schema.h"

namespace bilex {
namespace {

struct Member {
  std::string line;  // as the stub writes it
  size_t number = 0;
};

// Opens one stub line as Xapian's stub reader would.
Xapian::Database open_member(const std::string& line, const std::string& dir) {
  const size_t space = line.find(' ');
  const std::string type = line.substr(0, space);
  std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
  if (type == "auto" || type == "glass" || type == "chert") {
    if (!rest.empty() && rest[0] != '/') rest = dir + "/" + rest;
    return Xapian::Database(rest);
  }
  if (type == "remote" && !rest.empty() && rest[0] == ':') {
    const size_t sp = rest.find(' ');
    const std::string prog =
        rest.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
    const std::string args =
        sp == std::string::npos ? std::string() : rest.substr(sp + 1);
    return Xapian::Remote::open(prog, args);
  }
  const size_t colon = rest.rfind(':');
  if (type == "remote" && colon != std::string::npos && colon > 0) {
    std::string host = rest.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    const auto port = static_cast<unsigned>(
        std::strtoul(rest.c_str() + colon + 1, nullptr, 10));
    return Xapian::Remote::open(host, port);
  }
  throw IndexError("unknown stub line");
}

std::vector<Member> read_members(const std::string& stub,
                                 const std::string& name) {
  std::ifstream in(stub);
  if (!in) throw IndexError("cannot read the stub database of " + name);
  std::vector<Member> members;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    members.push_back({line, members.size() + 1});
  }
  return members;
}

}  // namespace

std::string stub_file_of(const std::string& at) {
  struct stat st {};
  if (::stat(at.c_str(), &st) != 0) return "";
  if (S_ISREG(st.st_mode)) return at;
  const std::string inside = at + "/" + std::string(schema::kStubFile);
  return S_ISDIR(st.st_mode) && ::stat(inside.c_str(), &st) == 0 ? inside : "";
}

bool lists_remote(const std::string& stub) {
  const std::vector<Member> members = read_members(stub, stub);
  return std::any_of(members.begin(), members.end(), [](const Member& m) {
    return m.line.starts_with("remote ");
  });
}

OpenedShards open_members(const std::string& stub, const std::string& name) {
  const std::vector<Member> members = read_members(stub, name);
  const size_t slash = stub.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : stub.substr(0, slash);
  OpenedShards out;
  size_t opened = 0;
  for (const Member& m : members) {
    try {
      out.db.add_database(open_member(m.line, dir));
      ++opened;
    } catch (const Xapian::Error& e) {
      out.unavailable.push_back("database " + std::to_string(m.number) +
                                " of " + std::to_string(members.size()) + " (" +
                                m.line +
                                ") did not answer: " + e.get_description());
    } catch (const IndexError& e) {
      out.unavailable.push_back("database " + std::to_string(m.number) +
                                " of " + std::to_string(members.size()) + " (" +
                                m.line + ") did not answer: " + e.what());
    }
  }
  if (opened == 0)
    throw IndexError(members.empty()
                         ? "no usable index at " + name +
                               ": its stub lists no database"
                         : unavailable_message(name, out.unavailable));
  return out;
}

std::string unavailable_message(const std::string& name,
                                const std::vector<std::string>& unavailable) {
  std::string msg = "index " + name + ": ";
  for (size_t i = 0; i < unavailable.size(); ++i)
    msg += (i ? "; " : "") + unavailable[i];
  return msg + " (--allow-partial answers from the others)";
}

}  // namespace bilex
