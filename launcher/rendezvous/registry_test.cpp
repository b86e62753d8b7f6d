#include "rendezvous/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "common/event_loop.h"

namespace refrun {

TEST(RendezvousRegistry, KnowsStaticAndRejectsUnknown) {
  auto names = rendezvous_backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "static"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "c10d"), names.end());
  common::EventLoop loop;
  RendezvousParams p;
  p.backend = "etcd-nope";
  try {
    create_rendezvous(loop, p);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--rdzv-backend etcd-nope"), std::string::npos);
  }
}

}  // namespace refrun
