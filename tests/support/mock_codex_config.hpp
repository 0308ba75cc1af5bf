// The config.toml that points codex at the mock model (tests/fixtures/mock_model.mjs) on
// loopback, shared by the end-to-end tests and bench/. Header-only.
#pragma once

#include <string>

namespace codex_mcp::testing {

/// `approval_policy` is codex's default for sessions that do not name one.
inline std::string mock_codex_config(const std::string& port, const std::string& approval_policy) {
  return "model = \"mock-model\"\nmodel_provider = \"mock_provider\"\n"
         "approval_policy = \"" +
         approval_policy +
         "\"\nsandbox_mode = \"read-only\"\n"
         "[model_providers.mock_provider]\nname = \"Mock\"\n"
         "base_url = \"http://127.0.0.1:" +
         port +
         "/v1\"\nwire_api = \"responses\"\n"
         "request_max_retries = 0\nstream_max_retries = 0\n"
         "[analytics]\nenabled = false\n"
         "[features]\nplugins = false\nremote_plugin = false\napps = false\ngoals = false\n";
}

}  // namespace codex_mcp::testing
