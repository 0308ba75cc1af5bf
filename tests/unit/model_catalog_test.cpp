#include "codex_mcp/session/model_catalog.hpp"

#include <gtest/gtest.h>

using codex_mcp::session::effort_refusal;
using codex_mcp::session::Json;
using codex_mcp::session::ModelCatalog;

namespace {

// Shaped like codex 0.169's model/list answer (abridged).
Json page() {
  return Json::parse(R"json({
    "data": [
      {"id": "gpt-5.5", "model": "gpt-5.5", "defaultReasoningEffort": "medium",
       "supportedReasoningEfforts": [
         {"reasoningEffort": "low", "description": "Fast"},
         {"reasoningEffort": "medium", "description": ""},
         {"reasoningEffort": "high", "description": ""},
         {"reasoningEffort": "xhigh", "description": ""}]},
      {"id": "alias", "model": "gpt-6-sol",
       "supportedReasoningEfforts": [{"reasoningEffort": "low"}, {"reasoningEffort": "ultra"}]},
      {"id": "no-efforts", "model": "no-efforts", "supportedReasoningEfforts": []},
      "not an object",
      {"id": "broken", "supportedReasoningEfforts": "low"}
    ],
    "nextCursor": null
  })json");
}

}  // namespace

TEST(ModelCatalog, KnowsTheEffortsOfEachModelByIdOrName) {
  ModelCatalog catalog;
  catalog.add_page(page());
  EXPECT_EQ(catalog.efforts_of("gpt-5.5"),
            (std::vector<std::string>{"low", "medium", "high", "xhigh"}));
  EXPECT_EQ(catalog.efforts_of("alias"), (std::vector<std::string>{"low", "ultra"}));
  EXPECT_EQ(catalog.efforts_of("gpt-6-sol"), (std::vector<std::string>{"low", "ultra"}));
  EXPECT_FALSE(catalog.efforts_of("mock-model"));  // a custom provider's model
  EXPECT_FALSE(catalog.efforts_of("no-efforts"));  // nothing to judge by
  EXPECT_FALSE(catalog.efforts_of("broken"));
  ModelCatalog empty;
  empty.add_page(Json::parse(R"({"error": "not a page"})"));
  EXPECT_TRUE(empty.empty());
}

TEST(ModelCatalog, RefusesOnlyAnEffortAKnownModelDoesNotAdvertise) {
  ModelCatalog catalog;
  catalog.add_page(page());
  EXPECT_FALSE(effort_refusal(catalog, "gpt-5.5", "high"));
  EXPECT_FALSE(effort_refusal(catalog, "mock-model", "minimal"));  // unknown: passed through
  EXPECT_FALSE(effort_refusal(catalog, "no-efforts", "minimal"));
  const auto refusal = effort_refusal(catalog, "gpt-5.5", "minimal");
  ASSERT_TRUE(refusal);
  EXPECT_EQ(*refusal,
            "effort \"minimal\" is not supported by model gpt-5.5; use one of: low, medium, high, "
            "xhigh (from codex model/list)");
}
