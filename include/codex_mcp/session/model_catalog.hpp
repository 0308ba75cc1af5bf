// ModelCatalog: codex's own list of models (model/list) with the reasoning efforts each
// one advertises. codex 0.169 passes any non-empty effort through to the model, so an
// effort the model does not take would only fail later, at the model API; with the
// catalog it is refused before turn/start, listing the ones that work. Models outside
// the catalog (custom providers, local models) are unknown and never refused.
// Threading: a value; fetch_model_catalog runs on the client's executor.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

namespace codex_mcp::appserver {
class CodexBackend;
}

namespace codex_mcp::session {

using Json = nlohmann::json;

class ModelCatalog {
 public:
  /// Adds one model/list result: `{data:[{id, model, supportedReasoningEfforts:
  /// [{reasoningEffort}]}], nextCursor}`. Malformed entries are skipped.
  void add_page(const Json& result);
  /// The efforts `model` advertises, in codex's order; nullopt when codex does not know
  /// the model (or advertises none for it).
  std::optional<std::vector<std::string>> efforts_of(const std::string& model) const;
  bool empty() const { return efforts_.empty(); }

 private:
  std::map<std::string, std::vector<std::string>> efforts_;  // by id and by model name
};

/// The INVALID_ARGUMENT message when `model` is in the catalog and does not advertise
/// `effort`; nullopt when the effort is fine or cannot be judged.
std::optional<std::string> effort_refusal(const ModelCatalog& catalog, const std::string& model,
                                          const std::string& effort);

/// Reads the whole catalog (model/list with hidden models, every page). A failure gives
/// what was read so far: the check helps the caller, it must never block a turn.
boost::asio::awaitable<ModelCatalog> fetch_model_catalog(
    std::shared_ptr<appserver::CodexBackend> client);

}  // namespace codex_mcp::session
