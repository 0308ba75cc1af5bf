// resolve_native_codex on fake npm layouts in a temporary directory.
#include "codex_mcp/appserver/codex_binary.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using codex_mcp::appserver::resolve_native_codex;
namespace fs = std::filesystem;

namespace {

#if defined(__aarch64__)
const char* kNative = "codex-linux-arm64/vendor/aarch64-unknown-linux-musl/bin/codex";
#else
const char* kNative = "codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex";
#endif

void make_file(const fs::path& path, bool executable) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "#!/bin/sh\n";
  fs::permissions(path, executable ? fs::perms::owner_all : fs::perms::owner_read);
}

class CodexBinary : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("codex-binary-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    launcher_ = root_ / "node_modules/@openai/codex/bin/codex.js";
    make_file(launcher_, true);
    fs::create_directories(root_ / "node_modules/.bin");
    fs::create_symlink("../@openai/codex/bin/codex.js", root_ / "node_modules/.bin/codex");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  fs::path launcher_;
};

}  // namespace

TEST_F(CodexBinary, HoistedNativeBinaryIsFoundThroughTheBinSymlink) {
  const auto native = root_ / "node_modules/@openai" / kNative;
  make_file(native, true);
  EXPECT_EQ(resolve_native_codex((root_ / "node_modules/.bin/codex").string()),
            fs::canonical(native).string());
  EXPECT_EQ(resolve_native_codex(launcher_.string()), fs::canonical(native).string());
}

TEST_F(CodexBinary, NestedNativeBinaryIsFound) {
  const auto native = root_ / "node_modules/@openai/codex/node_modules/@openai" / kNative;
  make_file(native, true);
  EXPECT_EQ(resolve_native_codex(launcher_.string()), fs::canonical(native).string());
}

TEST_F(CodexBinary, FallsBackToTheLauncher) {
  EXPECT_EQ(resolve_native_codex(launcher_.string()), launcher_.string());
  make_file(root_ / "node_modules/@openai" / kNative, false);  // not executable
  EXPECT_EQ(resolve_native_codex(launcher_.string()), launcher_.string());
  EXPECT_EQ(resolve_native_codex("/nonexistent/codex"), "/nonexistent/codex");
  EXPECT_EQ(resolve_native_codex("/bin/sh"), "/bin/sh");  // already native
  EXPECT_EQ(resolve_native_codex("no-such-codex-xyz"), "no-such-codex-xyz");
}
