// What a resource is to the MCP layer: a descriptor for resources/list and the text that
// resources/read returns, made on each read (so it may report live facts); and a resource
// template, a family of such resources under one URI pattern.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace codex_mcp::mcp {

struct ResourceDefinition {
  nlohmann::json descriptor;          ///< uri, name, title, description, mimeType
  std::function<std::string()> read;  ///< the resource's text
};

/// A family of resources named by a URI template (resources/templates/list). `read` is
/// offered every URI that resources/list does not know: nullopt means "not mine"; a
/// ResourceUnavailable means it is, but there is nothing to read there (yet).
struct ResourceTemplateDefinition {
  nlohmann::json descriptor;  ///< uriTemplate, name, title, description, mimeType
  std::function<std::optional<std::string>(const std::string& uri)> read;
};

/// A URI a template claims whose resource does not exist: -32002 with this message.
class ResourceUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace codex_mcp::mcp
