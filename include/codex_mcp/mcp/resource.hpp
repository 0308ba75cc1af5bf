// What a resource is to the MCP layer: a descriptor for resources/list and the text that
// resources/read returns, made on each read (so it may report live facts).
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::mcp {

struct ResourceDefinition {
  nlohmann::json descriptor;          ///< uri, name, title, description, mimeType
  std::function<std::string()> read;  ///< the resource's text
};

}  // namespace codex_mcp::mcp
