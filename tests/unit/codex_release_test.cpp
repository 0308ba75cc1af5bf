// The codex release table: version parsing, the minimum, and what each release lacks.
#include "codex_mcp/codex/release.hpp"

#include <gtest/gtest.h>

using namespace codex_mcp::codex;

namespace {

Release release(int minor, int patch = 0) {
  return Release{.version = Version{0, minor, patch}};
}

}  // namespace

TEST(CodexVersion, ParsedFromWhatCodexPrints) {
  EXPECT_EQ(parse_version("codex-cli 0.169.0"), (Version{0, 169, 0}));
  EXPECT_EQ(parse_version("codex-cli 0.80.0\n"), (Version{0, 80, 0}));
  EXPECT_EQ(parse_version("0.171.0"), (Version{0, 171, 0}));
  EXPECT_EQ(parse_version("codex 0.100.0-alpha.3"), (Version{0, 100, 0}));
  EXPECT_EQ(parse_version("codex-cli 1.2.3 (x86_64 linux)"), (Version{1, 2, 3}));
}

TEST(CodexVersion, NoVersionIsNullopt) {
  EXPECT_FALSE(parse_version(""));
  EXPECT_FALSE(parse_version("codex-cli dev"));
  EXPECT_FALSE(parse_version("codex 0.169"));
  EXPECT_FALSE(parse_version("built on x86_64.1.2"));  // not a word of its own
  EXPECT_FALSE(parse_version("1234567.1.1"));          // no release number that long
}

TEST(CodexVersion, OrderIsNumericNotTextual) {
  EXPECT_LT((Version{0, 80, 0}), (Version{0, 100, 0}));
  EXPECT_LT((Version{0, 140, 9}), (Version{0, 141, 0}));
  EXPECT_LT((Version{0, 171, 0}), (Version{1, 0, 0}));
  EXPECT_EQ((Version{0, 60, 1}).to_string(), "0.60.1");
}

TEST(CodexRelease, OlderThanTheMinimumIsRefusedNamingBoth) {
  EXPECT_FALSE(release(60, 1).supported());
  EXPECT_FALSE(release(79).supported());
  const auto why = unsupported_reason(release(60, 1));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("codex 0.60.1 is older than codex 0.80.0"), std::string::npos) << *why;
  for (const int minor : {80, 100, 140, 169, 171}) {
    EXPECT_TRUE(release(minor).supported()) << minor;
    EXPECT_FALSE(unsupported_reason(release(minor))) << minor;
  }
}

TEST(CodexRelease, AnUnknownVersionIsTakenAsACurrentOne) {
  const Release unknown;
  EXPECT_TRUE(unknown.supported());
  EXPECT_TRUE(unknown.has_background_terminals_clean());
  EXPECT_FALSE(unknown.has_on_failure_policy());
  EXPECT_EQ(unknown.name(), "codex (version unknown)");
}

TEST(CodexRelease, OnFailureUpTo0140Only) {
  EXPECT_FALSE(approval_policy_refusal(release(80), "on-failure"));
  EXPECT_FALSE(approval_policy_refusal(release(140, 2), "on-failure"));
  for (const int minor : {141, 150, 169, 171}) {
    const auto why = approval_policy_refusal(release(minor), "on-failure");
    ASSERT_TRUE(why) << minor;
    EXPECT_NE(
        why->find("\"on-failure\" is not supported by codex 0." + std::to_string(minor) + ".0"),
        std::string::npos)
        << *why;
    EXPECT_NE(why->find("use one of: untrusted, on-request, never"), std::string::npos);
  }
  EXPECT_FALSE(approval_policy_refusal(release(169), "never"));  // only on-failure is judged
}

TEST(CodexRelease, BackgroundTerminalsCleanFrom0100) {
  const auto why = background_terminals_refusal(release(99));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not supported by codex 0.99.0"), std::string::npos) << *why;
  EXPECT_FALSE(background_terminals_refusal(release(100)));
  EXPECT_FALSE(background_terminals_refusal(release(171)));
}

TEST(CodexRelease, MissingFeaturesListWhatTheReleaseLacks) {
  const auto old = release(80).missing_features();
  ASSERT_EQ(old.size(), 1u);
  EXPECT_NE(old[0].find("clean_background_terminals"), std::string::npos);
  const auto current = release(169).missing_features();
  ASSERT_EQ(current.size(), 1u);
  EXPECT_NE(current[0].find("on-failure"), std::string::npos);
  EXPECT_TRUE(release(120).missing_features().empty());
  const auto unsupported = release(60, 1).missing_features();
  ASSERT_EQ(unsupported.size(), 1u);
  EXPECT_NE(unsupported[0].find("0.80.0 or newer"), std::string::npos);
}
