// A fresh, empty directory for the running test: <tmp>/codex-mcp-<prefix>-<pid>-<test name>.
// Unique per test and per test process, so tests may run in parallel (ctest -j).
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace codex_mcp::testing {

inline std::filesystem::path fresh_test_dir(
    const std::string& prefix,
    const std::filesystem::path& base = std::filesystem::temp_directory_path()) {
  const auto dir = base / ("codex-mcp-" + prefix + "-" + std::to_string(::getpid()) + "-" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// As fresh_test_dir, in memory (/dev/shm) where there is such a directory: for in-process
/// tests of the state directory, whose every meta.json write is fsynced (on a disk that
/// makes a test take tens of milliseconds).
inline std::filesystem::path fresh_memory_test_dir(const std::string& prefix) {
  const std::filesystem::path shm = "/dev/shm";
  std::error_code ec;
  if (std::filesystem::is_directory(shm, ec) && ::access(shm.c_str(), W_OK) == 0) {
    return fresh_test_dir(prefix, shm);
  }
  return fresh_test_dir(prefix);
}

}  // namespace codex_mcp::testing
