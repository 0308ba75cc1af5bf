#include "codex_mcp/session/file_changes.hpp"

#include "codex_mcp/util/json_fields.hpp"

namespace codex_mcp::session {

namespace {

using Json = nlohmann::json;

/// A path from a `--- a/x` / `+++ b/x` line: empty for /dev/null; git quotes odd names.
std::string diff_path(std::string_view rest) {
  if (rest.starts_with('"') && rest.size() >= 2 && rest.ends_with('"')) {
    rest = rest.substr(1, rest.size() - 2);
  }
  if (rest == "/dev/null") return {};
  if (rest.starts_with("a/") || rest.starts_with("b/")) rest.remove_prefix(2);
  // A tab ends the name when git appends a timestamp.
  return std::string(rest.substr(0, rest.find('\t')));
}

std::string relative_to(const std::string& path, const std::string& cwd) {
  if (cwd.empty() || cwd == "/") return path;
  const auto base = cwd.back() == '/' ? cwd : cwd + "/";
  return path.starts_with(base) ? path.substr(base.size()) : path;
}

}  // namespace

std::map<std::string, std::string> files_in_diff(std::string_view diff) {
  std::map<std::string, std::string> files;
  std::string old_path;
  bool have_old = false;
  while (!diff.empty()) {
    const auto end = diff.find('\n');
    const auto line = diff.substr(0, end);
    diff = end == std::string_view::npos ? std::string_view() : diff.substr(end + 1);
    if (line.starts_with("--- ")) {
      old_path = diff_path(line.substr(4));
      have_old = true;
    } else if (line.starts_with("+++ ") && have_old) {
      const auto new_path = diff_path(line.substr(4));
      have_old = false;
      if (old_path.empty() && !new_path.empty()) {
        files[new_path] = "created";
      } else if (new_path.empty() && !old_path.empty()) {
        files[old_path] = "deleted";
      } else if (old_path != new_path) {  // a rename
        files[old_path] = "deleted";
        files[new_path] = "created";
      } else if (!new_path.empty()) {
        files[new_path] = "modified";
      }
    }
  }
  return files;
}

void FileChanges::clear() {
  from_items_.clear();
  diff_.clear();
  last_path_.clear();
}

void FileChanges::note(std::map<std::string, std::string>& changes, const std::string& path,
                       std::string_view change) {
  const auto known = changes.find(path);
  if (known == changes.end()) {
    changes[path] = change;
  } else if (known->second == "created") {
    if (change == "deleted") changes.erase(known);  // never there before the turn
  } else if (known->second == "deleted") {
    if (change == "created") known->second = "modified";
  } else {
    known->second = change == "deleted" ? "deleted" : "modified";
  }
}

void FileChanges::on_item(const Json& item) {
  const auto changes = item.find("changes");
  if (changes == item.end() || !changes->is_array()) return;
  for (const auto& change : *changes) {
    if (auto path = util::string_field(change, "path"); !path.empty()) last_path_ = std::move(path);
  }
  if (util::string_field(item, "status") != "completed") return;
  for (const auto& change : *changes) {
    const auto path = util::string_field(change, "path");
    if (path.empty()) continue;
    const auto kind = change.is_object() ? change.value("kind", Json()) : Json();
    const auto type = util::string_field(kind, "type");
    if (type == "add") {
      note(from_items_, path, "created");
    } else if (type == "delete") {
      note(from_items_, path, "deleted");
    } else if (const auto moved = util::string_field(kind, "move_path"); !moved.empty()) {
      note(from_items_, path, "deleted");
      note(from_items_, moved, "created");
    } else {
      note(from_items_, path, "modified");
    }
  }
}

Json FileChanges::summary(const std::string& cwd) const {
  auto files = files_in_diff(diff_);
  for (const auto& [path, change] : from_items_) files.try_emplace(relative_to(path, cwd), change);
  if (files.empty()) return nullptr;
  Json out = Json::object();
  for (const auto& [path, change] : files) out[change].push_back(path);
  return out;
}

}  // namespace codex_mcp::session
