// TOML rendering of `-c key=value` config overrides, and the app-server argv built from them.
#include "codex_mcp/codex/toml.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "codex_mcp/appserver/client.hpp"

using codex_mcp::codex::config_override_args;
using codex_mcp::codex::toml_key;
using codex_mcp::codex::toml_value;
using Json = nlohmann::json;

TEST(TomlValue, StringsAreQuotedAndEscaped) {
  EXPECT_EQ(toml_value("gpt-5"), R"("gpt-5")");
  EXPECT_EQ(toml_value("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(toml_value("line1\nline2\ttab\r"), R"("line1\nline2\ttab\r")");
  EXPECT_EQ(toml_value(std::string("\x01\x7f", 2)), R"("\u0001\u007F")");
  EXPECT_EQ(toml_value("héllo ✓"), "\"héllo ✓\"");  // UTF-8 unchanged
  EXPECT_EQ(toml_value(""), R"("")");
}

TEST(TomlValue, NumbersAndBooleans) {
  EXPECT_EQ(toml_value(42), "42");
  EXPECT_EQ(toml_value(-7), "-7");
  EXPECT_EQ(toml_value(18446744073709551615ULL), "18446744073709551615");
  EXPECT_EQ(toml_value(1.5), "1.5");
  EXPECT_EQ(toml_value(2.0), "2.0");  // a float stays a float
  EXPECT_EQ(toml_value(1e300), "1e+300");
  EXPECT_EQ(toml_value(true), "true");
  EXPECT_EQ(toml_value(false), "false");
}

TEST(TomlValue, ArraysAndInlineTables) {
  EXPECT_EQ(toml_value(Json::array()), "[]");
  EXPECT_EQ(toml_value(Json::array({1, "two", false})), R"([1, "two", false])");
  EXPECT_EQ(toml_value(Json::object()), "{}");
  const Json table = {{"name", "mock"}, {"base_url", "http://127.0.0.1:1/v1"}, {"retries", 0}};
  EXPECT_EQ(toml_value(table),
            R"({ base_url = "http://127.0.0.1:1/v1", name = "mock", retries = 0 })");
  const Json nested = {{"a b", {{"x", Json::array({1, 2})}}}};
  EXPECT_EQ(toml_value(nested), R"({ "a b" = { x = [1, 2] } })");
}

TEST(TomlValue, NullIsRejected) {
  EXPECT_THROW(toml_value(nullptr), std::invalid_argument);
  EXPECT_THROW(toml_value(Json::array({nullptr})), std::invalid_argument);
}

TEST(TomlValue, Keys) {
  EXPECT_EQ(toml_key("model_provider-1"), "model_provider-1");
  EXPECT_EQ(toml_key("has.dot"), R"("has.dot")");
  EXPECT_EQ(toml_key(""), R"("")");
}

TEST(TomlValue, ConfigOverrideArgs) {
  const Json overrides = {{"model", "o3"}, {"sandbox_workspace_write.network_access", true}};
  EXPECT_EQ(config_override_args(overrides),
            (std::vector<std::string>{"-c", "model=\"o3\"", "-c",
                                      "sandbox_workspace_write.network_access=true"}));
  EXPECT_TRUE(config_override_args(nullptr).empty());
  EXPECT_THROW(config_override_args(Json::array()), std::invalid_argument);
}

TEST(AppServerArgs, PrefixSubcommandAndNoConfigOnTheCommandLine) {
  codex_mcp::appserver::CodexCommand command{"node", {"fake.mjs"}};
  codex_mcp::appserver::AppServerSettings settings;
  settings.config_overrides = {{"model", "m"}};
  // Overrides go with thread/start (world-readable in /proc/<pid>/cmdline otherwise).
  EXPECT_EQ(codex_mcp::appserver::app_server_args(command, settings),
            (std::vector<std::string>{"fake.mjs", "app-server"}));
}
