// Codex profiles read from <CODEX_HOME>/<name>.config.toml into -c overrides.
#include "codex_mcp/codex/profile.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "codex_mcp/codex/toml.hpp"
#include "test_dir.hpp"

using codex_mcp::codex::load_profile_overrides;
using codex_mcp::codex::ProfileError;
using Json = nlohmann::json;

namespace {

TEST(Profile, TablesFlattenToDottedPathsAndValuesKeepTheirTypes) {
  const auto home = codex_mcp::testing::fresh_test_dir("profile");
  std::ofstream(home / "fast.config.toml") << R"(
model = "gpt-fast"
model_reasoning_effort = "low"
max_tokens = 42
temperature = 0.5
hide = true
writable_roots = ["/a", "/b"]

[model_providers.my-proxy]
base_url = "http://127.0.0.1:9/v1"

[sandbox_workspace_write]
network_access = false
)";
  const auto overrides = load_profile_overrides(home.string(), "fast");
  EXPECT_EQ(overrides, (Json{{"model", "gpt-fast"},
                             {"model_reasoning_effort", "low"},
                             {"max_tokens", 42},
                             {"temperature", 0.5},
                             {"hide", true},
                             {"writable_roots", {"/a", "/b"}},
                             {"model_providers.my-proxy.base_url", "http://127.0.0.1:9/v1"},
                             {"sandbox_workspace_write.network_access", false}}));
  // Every override renders as a -c argument codex accepts.
  EXPECT_EQ(codex_mcp::codex::config_override_args(overrides).size(), 16u);
}

TEST(Profile, BadNamesMissingFilesAndBadTomlAreClearErrors) {
  const auto home = codex_mcp::testing::fresh_test_dir("profile");
  std::ofstream(home / "broken.config.toml") << "model = \n";
  std::ofstream(home / "config.toml") << "model = \"m\"\n[profiles.legacy]\nmodel = \"o3\"\n";
  auto message = [&](const std::string& name) {
    try {
      load_profile_overrides(home.string(), name);
    } catch (const ProfileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("../etc/passwd").find("not a profile name"), std::string::npos);
  EXPECT_NE(message(".hidden").find("not a profile name"), std::string::npos);
  EXPECT_NE(message("absent").find((home / "absent.config.toml").string()), std::string::npos);
  EXPECT_NE(message("broken").find("is not valid TOML"), std::string::npos);
  // codex 0.169 refuses [profiles.x] tables in config.toml: the error says where to move it.
  EXPECT_NE(
      message("legacy").find("move its settings into " + (home / "legacy.config.toml").string()),
      std::string::npos)
      << message("legacy");
}

}  // namespace
