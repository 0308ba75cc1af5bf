// A fresh, empty directory for the running test: <tmp>/codex-mcp-<prefix>-<pid>-<test name>.
// Unique per test and per test process, so tests may run in parallel (ctest -j).
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace codex_mcp::testing {

inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("codex-mcp-" + prefix + "-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace codex_mcp::testing
