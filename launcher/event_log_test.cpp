#include "event_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace refrun {

TEST(EventLog, WorkerStatusEventAsUpstreamSerialisesIt) {
  EventContext c{"job", 1, 2, "trainer", "h", "c10d", "train.py", 3, 1};
  WorkerStatus w{5, 1, 8, 4242, "FAILED", "{\"message\": \"m\"}"};
  std::string line = worker_status_event(c, w, 1700000000123);
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.rfind("{\"name\": \"torchelastic.worker.status.FAILED\", \"source\": \"WORKER\", "
                       "\"timestamp\": 1700000000123, \"metadata\": {\"run_id\": \"job\", ",
                       0),
            0u)
      << line;
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["metadata"]["global_rank"], 5);
  EXPECT_EQ(j["metadata"]["worker_id"], "4242");
  EXPECT_EQ(j["metadata"]["raw_error"], "{\"message\": \"m\"}");
  EXPECT_EQ(j["metadata"]["agent_restarts"], 1);
  auto md = nlohmann::json::parse(j["metadata"]["metadata"].get<std::string>());
  EXPECT_EQ(md["local_rank"], nlohmann::json::array({1}));
  EXPECT_EQ(md["entry_point"], "train.py");
}

TEST(EventLog, AgentEventHasNoWorker) {
  EventContext c{"job", 0, 1, "default", "h", "static", "x", 0, 0};
  auto j = nlohmann::json::parse(agent_status_event(c, "SUCCEEDED", "", 1));
  EXPECT_EQ(j["name"], "torchelastic.worker.status.SUCCEEDED");
  EXPECT_EQ(j["source"], "AGENT");
  EXPECT_TRUE(j["metadata"]["global_rank"].is_null());
  EXPECT_TRUE(j["metadata"]["worker_id"].is_null());
  EXPECT_TRUE(j["metadata"]["raw_error"].is_null());
}

}  // namespace refrun
