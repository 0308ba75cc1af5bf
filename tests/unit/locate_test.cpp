#include "codex_mcp/codex/locate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "test_dir.hpp"

namespace fs = std::filesystem;
using namespace codex_mcp::codex;

namespace {

class LocateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = codex_mcp::testing::fresh_test_dir("locate");
    fs::create_directories(root / "bin1");
    fs::create_directories(root / "bin2");
  }
  void TearDown() override { fs::remove_all(root); }

  std::string make_file(const fs::path& path, bool executable) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "#!/bin/sh\n";
    ::chmod(path.c_str(), executable ? 0755 : 0644);
    return path.string();
  }

  fs::path root;
};

}  // namespace

TEST_F(LocateTest, PrefersCodexThenCodexInternalOnPath) {
  make_file(root / "bin2" / "codex-internal", true);
  const auto path = (root / "bin1").string() + ":" + (root / "bin2").string();
  auto choice = locate_codex({.path_variable = path, .cwd = "/"});
  EXPECT_EQ(choice.path, (root / "bin2" / "codex-internal").string());
  make_file(root / "bin2" / "codex", true);
  choice = locate_codex({.path_variable = path, .cwd = "/"});
  EXPECT_EQ(choice.path, (root / "bin2" / "codex").string());
  EXPECT_EQ(choice.source, "PATH");
}

TEST_F(LocateTest, ExplicitPathWinsAndMustBeExecutable) {
  make_file(root / "bin1" / "codex", true);
  const auto custom = make_file(root / "opt" / "my-codex", true);
  auto choice = locate_codex({.option_path = custom, .path_variable = (root / "bin1").string()});
  EXPECT_EQ(choice.path, custom);
  const auto not_exec = make_file(root / "opt" / "plain", false);
  choice = locate_codex({.option_path = not_exec});
  EXPECT_TRUE(choice.path.empty());
  EXPECT_NE(choice.error.find("not an executable"), std::string::npos);
  // Relative paths resolve against the given cwd.
  choice = locate_codex({.option_path = "opt/my-codex", .cwd = root.string()});
  EXPECT_EQ(choice.path, custom);
}

TEST_F(LocateTest, CommandNameIsLookedUpOnPathOnly) {
  make_file(root / "bin2" / "codex-internal", true);
  auto choice =
      locate_codex({.option_command = "codex-internal", .path_variable = (root / "bin2").string()});
  EXPECT_EQ(choice.path, (root / "bin2" / "codex-internal").string());
  choice = locate_codex({.option_command = "nope", .path_variable = (root / "bin2").string()});
  EXPECT_NE(choice.error.find("not on PATH"), std::string::npos);
}

TEST_F(LocateTest, NothingFoundSaysWhatToDo) {
  const auto choice = locate_codex({.path_variable = (root / "bin1").string()});
  EXPECT_TRUE(choice.path.empty());
  EXPECT_NE(choice.error.find("CODEX_MCP_PATH"), std::string::npos);
}

TEST_F(LocateTest, ConfigFilesFromUserHomeAndProjectAncestors) {
  make_file(root / "home" / ".codex" / "config.toml", false);
  make_file(root / "work" / ".codex" / "config.toml", false);
  make_file(root / "work" / "app" / ".codex" / "config.toml", false);
  fs::create_directories(root / "work" / "app" / "src");
  const auto files =
      visible_config_files((root / "work" / "app" / "src").string(), "", (root / "home").string());
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].scope, "user");
  EXPECT_EQ(files[1].path, (root / "work" / "app" / ".codex" / "config.toml").string());
  EXPECT_EQ(files[2].path, (root / "work" / ".codex" / "config.toml").string());
  // CODEX_HOME replaces ~/.codex as the user config.
  make_file(root / "ch" / "config.toml", false);
  const auto with_home = visible_config_files((root / "work").string(), (root / "ch").string(),
                                              (root / "home").string());
  EXPECT_EQ(with_home[0].path, (root / "ch" / "config.toml").string());
}
