// The tools/list descriptors of the five tools: names, titles, descriptions written for
// an LLM caller, complete input JSON Schemas, and annotations. The contract is the
// leading TypeScript peer's documented interface; enums list only what codex 0.169 takes.
#pragma once

#include <nlohmann/json.hpp>

namespace codex_mcp::tools {

using Json = nlohmann::json;

Json codex_setup_descriptor();
Json codex_descriptor();
Json codex_reply_descriptor();
Json codex_session_descriptor();
Json codex_check_descriptor();

}  // namespace codex_mcp::tools
