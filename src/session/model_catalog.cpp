#include "codex_mcp/session/model_catalog.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "codex_mcp/appserver/client.hpp"

namespace codex_mcp::session {

namespace {

constexpr auto kCallTimeout = std::chrono::seconds(10);
constexpr int kMaxPages = 20;  // codex 0.169 answers in one page; a bound all the same

}  // namespace

void ModelCatalog::add_page(const Json& result) {
  if (!result.is_object() || !result.contains("data") || !result["data"].is_array()) return;
  for (const auto& model : result["data"]) {
    if (!model.is_object()) continue;
    const auto supported = model.value("supportedReasoningEfforts", Json::array());
    if (!supported.is_array()) continue;
    std::vector<std::string> efforts;
    for (const auto& option : supported) {
      if (option.is_object() && option.contains("reasoningEffort") &&
          option["reasoningEffort"].is_string()) {
        efforts.push_back(option["reasoningEffort"].get<std::string>());
      }
    }
    if (efforts.empty()) continue;
    // Callers name a model by either; they are usually the same.
    for (const char* key : {"id", "model"}) {
      if (model.contains(key) && model[key].is_string()) {
        efforts_[model[key].get<std::string>()] = efforts;
      }
    }
  }
}

std::optional<std::vector<std::string>> ModelCatalog::efforts_of(const std::string& model) const {
  const auto it = efforts_.find(model);
  if (it == efforts_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> effort_refusal(const ModelCatalog& catalog, const std::string& model,
                                          const std::string& effort) {
  const auto efforts = catalog.efforts_of(model);
  if (!efforts || std::find(efforts->begin(), efforts->end(), effort) != efforts->end()) {
    return std::nullopt;
  }
  std::string valid;
  for (const auto& option : *efforts) valid += (valid.empty() ? "" : ", ") + option;
  return "effort \"" + effort + "\" is not supported by model " + model + "; use one of: " + valid +
         " (from codex model/list)";
}

boost::asio::awaitable<ModelCatalog> fetch_model_catalog(
    std::shared_ptr<appserver::CodexBackend> client) {
  ModelCatalog catalog;
  const std::string method = "model/list";
  Json params = {{"includeHidden", true}};
  try {
    for (int page = 0; page < kMaxPages; ++page) {
      const auto result = co_await client->call(method, params, kCallTimeout);
      catalog.add_page(result);
      const auto cursor = result.value("nextCursor", Json());
      if (!cursor.is_string() || cursor.get<std::string>().empty()) break;
      params["cursor"] = cursor;
    }
  } catch (const boost::system::system_error& e) {
    if (e.code() == boost::asio::error::operation_aborted) throw;  // the caller gave up
    spdlog::debug("model/list failed, reasoning efforts go unchecked: {}", e.what());
  } catch (const std::exception& e) {
    spdlog::debug("model/list failed, reasoning efforts go unchecked: {}", e.what());
  }
  co_return catalog;
}

}  // namespace codex_mcp::session
