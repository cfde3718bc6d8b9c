#include "heap/sweep_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace leakseek::heap {
namespace {

std::vector<ObjectId> drain(SweepQueue& q) {
  std::vector<ObjectId> out;
  for (ObjectId id; (id = q.next()) != kNoObject;) out.push_back(id);
  return out;
}

TEST(SweepQueue, HandsOutPendingObjectsInAddressOrderOnce) {
  SweepQueue q(200);
  for (ObjectId id : {150u, 3u, 64u, 3u, 199u, 0u, 63u, 150u}) q.push(id);
  EXPECT_EQ(drain(q), (std::vector<ObjectId>{0, 3, 63, 64, 150, 199}));
  EXPECT_EQ(q.next(), kNoObject);
}

TEST(SweepQueue, ObjectsFoundBehindTheSweepWaitForTheNextOne) {
  SweepQueue q(1000);
  q.push(500);
  q.push(10);
  EXPECT_EQ(q.next(), 10u);
  q.push(700);  // ahead: this sweep
  q.push(5);    // behind: next sweep
  EXPECT_EQ(q.next(), 500u);
  q.push(600);
  q.push(400);
  EXPECT_EQ(q.next(), 600u);
  EXPECT_EQ(q.next(), 700u);
  EXPECT_EQ(q.next(), 5u);
  EXPECT_EQ(q.next(), 400u);
  EXPECT_EQ(q.next(), kNoObject);
  EXPECT_EQ(q.sweeps(), 1u);
}

// A chain that always points backwards (each object found only after the one above it) costs
// one short sweep per object, not a scan of the whole set each time.
TEST(SweepQueue, BackwardChainEndsEachSweepAtOnce) {
  constexpr ObjectId n = 100000;
  SweepQueue q(n, n);
  q.push(n - 1);
  std::vector<ObjectId> seen;
  for (ObjectId id; (id = q.next()) != kNoObject;) {
    seen.push_back(id);
    if (id > 0) q.push(id - 1);
  }
  ASSERT_EQ(seen.size(), n);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
}

// A zigzag (0 -> n-1 -> 1 -> n-2 ...) would need a sweep per object: past the sweep limit,
// everything left is still handed out, each object exactly once.
TEST(SweepQueue, ZigzagFallsBackToDiscoveryOrderWithoutLosingObjects) {
  constexpr ObjectId n = 1000;
  SweepQueue q(n, 8);
  q.push(0);
  std::vector<ObjectId> seen;
  for (ObjectId id; (id = q.next()) != kNoObject;) {
    seen.push_back(id);
    ObjectId mirror = n - 1 - id;
    ObjectId next = id < n / 2 ? mirror : mirror + 1;
    if (seen.size() < n) q.push(next);
  }
  EXPECT_EQ(q.sweeps(), 8u);
  std::sort(seen.begin(), seen.end());
  std::vector<ObjectId> all(n);
  for (ObjectId i = 0; i < n; i++) all[i] = i;
  EXPECT_EQ(seen, all);
}

}  // namespace
}  // namespace leakseek::heap
