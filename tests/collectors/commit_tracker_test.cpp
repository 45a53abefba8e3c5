#include "collectors/commit_tracker.h"

#include <gtest/gtest.h>

namespace tripline {
namespace {

TEST(CommitTrackerTest, AdvancesWithInOrderCommits) {
  CommitTracker t(10);
  EXPECT_EQ(t.committed(), 10u);
  t.commit(10, 20);
  EXPECT_EQ(t.committed(), 20u);
  t.commit(20, 35);
  EXPECT_EQ(t.committed(), 35u);
}

TEST(CommitTrackerTest, WaitsForTheEarliestRangeWhenCommittedOutOfOrder) {
  CommitTracker t(0);
  t.commit(20, 30);
  t.commit(30, 40);
  EXPECT_EQ(t.committed(), 0u);
  EXPECT_EQ(t.waiting(), 2u);
  t.commit(0, 10);
  EXPECT_EQ(t.committed(), 10u);
  t.commit(10, 20);
  EXPECT_EQ(t.committed(), 40u);
  EXPECT_EQ(t.waiting(), 0u);
}

TEST(CommitTrackerTest, IgnoresRepeatedAcknowledgements) {
  CommitTracker t(0);
  t.commit(0, 10);
  t.commit(0, 10);
  t.commit(5, 10);
  EXPECT_EQ(t.committed(), 10u);
  EXPECT_EQ(t.waiting(), 0u);
}

}  // namespace
}  // namespace tripline
