#include "codex_mcp/session/file_changes.hpp"

#include <gtest/gtest.h>

using namespace codex_mcp::session;
using Json = nlohmann::json;

namespace {

// What codex 0.169 sent for a turn that added new.txt, changed keep.txt, deleted gone.txt.
const char* kDiff =
    "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\nindex b02..000\n"
    "--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"
    "diff --git a/keep.txt b/keep.txt\nindex 4cb..ddc\n--- a/keep.txt\n+++ b/keep.txt\n"
    "@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
    "diff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 000..92d\n--- /dev/null\n"
    "+++ b/new.txt\n@@ -0,0 +1 @@\n+fresh\n";

Json item(const std::string& path, const std::string& kind, const std::string& status) {
  return {{"type", "fileChange"},
          {"status", status},
          {"changes", {{{"path", path}, {"kind", {{"type", kind}}}, {"diff", "x"}}}}};
}

}  // namespace

TEST(FileChanges, ReadsCreatedModifiedAndDeletedFilesFromTheDiff) {
  const auto files = files_in_diff(kDiff);
  EXPECT_EQ(files.at("new.txt"), "created");
  EXPECT_EQ(files.at("keep.txt"), "modified");
  EXPECT_EQ(files.at("gone.txt"), "deleted");
  EXPECT_EQ(files.size(), 3u);
  // A line of content that looks like a header does not confuse it.
  EXPECT_TRUE(files_in_diff("").empty());
}

TEST(FileChanges, ItemsFillInWhatTheDiffLeavesOutRelativeToTheCwd) {
  FileChanges changes;
  changes.on_item(item("/w/new.txt", "add", "completed"));
  changes.on_item(item("/elsewhere/x.txt", "update", "completed"));
  changes.on_item(item("/w/declined.txt", "add", "declined"));  // never happened
  changes.on_diff(kDiff);
  const auto summary = changes.summary("/w");
  EXPECT_EQ(summary["created"], Json::array({"new.txt"}));
  EXPECT_EQ(summary["modified"], Json::array({"/elsewhere/x.txt", "keep.txt"}));
  EXPECT_EQ(summary["deleted"], Json::array({"gone.txt"}));
  EXPECT_EQ(changes.diff(), kDiff);
  EXPECT_EQ(changes.last_path(), "/w/declined.txt");
}

TEST(FileChanges, AFileCreatedThenDeletedWasNeverThere) {
  FileChanges changes;
  changes.on_item(item("/w/tmp.txt", "add", "completed"));
  changes.on_item(item("/w/tmp.txt", "delete", "completed"));
  EXPECT_TRUE(changes.summary("/w").is_null());
  changes.on_item(item("/w/a.txt", "add", "completed"));
  changes.on_item(item("/w/a.txt", "update", "completed"));
  EXPECT_EQ(changes.summary("/w")["created"], Json::array({"a.txt"}));
}
