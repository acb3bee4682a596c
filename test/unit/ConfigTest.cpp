//===- ConfigTest.cpp - Config text form ----------------------------------===//

#include "autoconfig/Model/Config.h"
#include "autoconfig/Model/GemmParams.h"

#include "gtest/gtest.h"

using namespace autoconfig;

TEST(Config, RoundTripsThroughText) {
  Config c("blocked");
  c.set("mr", 6);
  c.set("nr", 32);
  c.set("kc", 256);
  std::string text = c.str();
  EXPECT_EQ(text, "blocked mr=6 nr=32 kc=256");
  auto parsed = Config::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(*parsed, c);
}

TEST(Config, ParsesSeparatorsAndNegativeValues) {
  auto parsed = Config::parse("  broadcast  vl=16,ui=-1\tuj=2 ");
  ASSERT_TRUE(bool(parsed));
  EXPECT_EQ(parsed->getAlgorithm(), "broadcast");
  EXPECT_EQ(parsed->get("vl"), 16);
  EXPECT_EQ(parsed->get("ui"), -1);
  EXPECT_EQ(parsed->get("uj"), 2);
  EXPECT_FALSE(parsed->has("ku"));
}

static std::string parseError(llvm::StringRef text) {
  auto parsed = Config::parse(text);
  if (parsed)
    return "";
  return llvm::toString(parsed.takeError());
}

TEST(Config, RejectsMalformedText) {
  EXPECT_NE(parseError("").find("empty"), std::string::npos);
  EXPECT_NE(parseError("vl=16").find("not an algorithm name"),
            std::string::npos);
  EXPECT_NE(parseError("broadcast vl").find("has no value"), std::string::npos);
  EXPECT_NE(parseError("broadcast vl=abc").find("not an integer"),
            std::string::npos);
  EXPECT_NE(parseError("broadcast vl=1 vl=2").find("given twice"),
            std::string::npos);
  EXPECT_NE(parseError("broadcast =3").find("key=value"), std::string::npos);
  EXPECT_NE(parseError("broadcast vl=99999999999999999999").find("integer"),
            std::string::npos);
}

TEST(Config, TypedParamsRejectUnknownKeysAndOtherAlgorithms) {
  auto unknown =
      BroadcastGemmParams::fromConfig(*Config::parse("broadcast vl=16 mr=4"));
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("unknown parameter 'mr'"),
            std::string::npos);
  auto other = BroadcastGemmParams::fromConfig(*Config::parse("blocked mr=4"));
  ASSERT_FALSE(bool(other));
  llvm::consumeError(other.takeError());
}

TEST(Config, TypedParamsRoundTrip) {
  BroadcastGemmParams p;
  p.vl = 8;
  p.ui = 4;
  p.uj = 3;
  p.ku = 2;
  p.mask = 0;
  p.threads = 2;
  auto back = BroadcastGemmParams::fromConfig(p.toConfig());
  ASSERT_TRUE(bool(back));
  EXPECT_EQ(back->vl, 8);
  EXPECT_EQ(back->ui, 4);
  EXPECT_EQ(back->uj, 3);
  EXPECT_EQ(back->ku, 2);
  EXPECT_EQ(back->mask, 0);
  EXPECT_EQ(back->threads, 2);
}
