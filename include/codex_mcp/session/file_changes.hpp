// FileChanges: what a turn changed on disk, for its result. Two sources, as codex 0.169
// reports them: completed `fileChange` items (`changes[{path (absolute), kind:{type: add |
// delete | update, move_path}}]`) and `turn/diff/updated` (the turn's cumulative unified
// diff, git style, paths relative to the thread's cwd). The diff wins where both speak; an
// item adds what the diff leaves out (a file outside the cwd). Changes made by a shell
// command (not apply_patch) reach neither, so they are not reported. Pure logic.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace codex_mcp::session {

class FileChanges {
 public:
  void clear();
  /// A completed fileChange item (declined or failed ones changed nothing: ignored).
  void on_item(const nlohmann::json& item);
  /// The turn's cumulative diff so far (each update replaces the last).
  void on_diff(std::string diff) { diff_ = std::move(diff); }

  /// `{created?:[paths], modified?:[paths], deleted?:[paths]}`, paths relative to `cwd` when
  /// under it; null when nothing changed.
  nlohmann::json summary(const std::string& cwd) const;
  const std::string& diff() const { return diff_; }
  /// The file touched last (for progress messages), empty if none.
  const std::string& last_path() const { return last_path_; }

 private:
  /// Folds one more change of `path` into what is known of it (a file created and then
  /// modified was created; created and then deleted, never existed).
  static void note(std::map<std::string, std::string>& changes, const std::string& path,
                   std::string_view change);

  std::map<std::string, std::string> from_items_;  ///< absolute path → created|modified|deleted
  std::string diff_;
  std::string last_path_;
};

/// The files a git-style unified diff touches: path → created | modified | deleted.
std::map<std::string, std::string> files_in_diff(std::string_view diff);

}  // namespace codex_mcp::session
