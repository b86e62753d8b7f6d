// The pure parts of the etcd backend: what goes on the wire and what is
// accepted from it (answers, member lists, states, base64), and --rdzv-conf.
#include <gtest/gtest.h>

#include "rendezvous/etcd/etcd_conf.h"
#include "rendezvous/etcd/etcd_kv.h"
#include "rendezvous/etcd/etcd_v2.h"
#include "rendezvous/etcd/printable.h"
#include "rendezvous/etcd/rdzv_state.h"

namespace refrun::etcd {
namespace {

HttpResponse resp(int status, std::string body, std::string index = "12") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!index.empty()) r.headers.emplace_back("X-Etcd-Index", index);
  return r;
}

template <class E>
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(EtcdCodec, FormEncodingIsPythonsUrlencode) {
  EXPECT_EQ(form_encode({{"value", R"({"status": "setup"})"}, {"ttl", "5"}}),
            "value=%7B%22status%22%3A+%22setup%22%7D&ttl=5");
  EXPECT_EQ(form_encode({{"k", "a/b+c=d~e_f.g-h"}}), "k=a%2Fb%2Bc%3Dd~e_f.g-h");
}

TEST(EtcdCodec, ParsesAnAnswerAndItsIndex) {
  auto a = parse_etcd_answer(
      resp(200, R"({"action":"get","node":{"key":"/d","dir":true,"modifiedIndex":4,
          "nodes":[{"key":"/d/a","value":"1","modifiedIndex":5}]}})"),
      "etcd at h:1", "GET /d");
  EXPECT_EQ(a.action, "get");
  EXPECT_TRUE(a.node.dir);
  ASSERT_EQ(a.node.nodes.size(), 1u);
  EXPECT_EQ(*a.node.nodes[0].value, "1");
  EXPECT_EQ(a.etcd_index, 12u);
  // The root of an empty store has no key and no nodes.
  auto root = parse_etcd_answer(resp(200, R"({"action":"get","node":{"dir":true}})"), "s", "w");
  EXPECT_TRUE(root.node.nodes.empty());
}

TEST(EtcdCodec, MapsEtcdErrorsToKinds) {
  auto api = [](int status, const char* body) {
    return [=] { parse_etcd_answer(resp(status, body), "etcd at h:1", "PUT /k"); };
  };
  try {
    api(412, R"({"errorCode":101,"message":"Compare failed","cause":"[a != b]","index":18})")();
    FAIL();
  } catch (const EtcdApiError& e) {
    EXPECT_EQ(e.code(), 101);
    EXPECT_EQ(std::string(e.what()), "etcd at h:1: PUT /k: Compare failed ([a != b])");
  }
  // Raft's errors mean the store cannot serve now (no quorum, leader lost).
  EXPECT_NE(error_of<EtcdUnavailable>(api(
                500, R"({"errorCode":300,"message":"Raft Internal Error","cause":"etcdserver: request timed out"})")),
            "(no error)");
  EXPECT_NE(error_of<EtcdUnavailable>(api(503, "busy")), "(no error)");
  std::string no_v2 = error_of<EtcdBadAnswer>(api(404, "404 page not found\n"));
  EXPECT_NE(no_v2.find("--enable-v2=true"), std::string::npos) << no_v2;
}

TEST(EtcdCodec, RejectsWhatEtcdNeverSendsInOneLine) {
  std::vector<std::pair<HttpResponse, std::string>> bad = {
      {resp(200, "<html>hello</html>"), "not a JSON object"},
      {resp(200, "[1,2]"), "not a JSON object"},
      {resp(200, R"({"node":{}})"), "no \"action\""},
      {resp(200, R"({"action":"get"})"), "no \"node\""},
      {resp(200, R"({"action":"get","node":{"key":7}})"), "\"key\" is not a string"},
      {resp(200, R"({"action":"get","node":{"value":{"x":1}}})"), "is not a string"},
      {resp(200, R"({"action":"get","node":{"modifiedIndex":-3}})"), "not an index"},
      {resp(200, R"({"action":"get","node":{"nodes":"x"}})"), "not an array"},
      {resp(200, R"({"action":"get","node":{}})", "12a"), "X-Etcd-Index"},
      {resp(418, "\x01\x02teapot\n"), "HTTP 418 '\\x01\\x02teapot\\x0a'"},
  };
  for (auto& [r, want] : bad) {
    std::string e = error_of<EtcdBadAnswer>([&r = r] { parse_etcd_answer(r, "etcd at h:1", "GET /k"); });
    EXPECT_NE(e.find(want), std::string::npos) << e;
    EXPECT_EQ(e.rfind("etcd at h:1: GET /k: ", 0), 0u) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  // Nesting is bounded: a hostile answer cannot recurse the parser deep.
  std::string deep = R"({"action":"get","node":)";
  for (int i = 0; i < 40; ++i) deep += R"({"nodes":[)";
  deep += "{}";
  for (int i = 0; i < 40; ++i) deep += "]}";
  deep += "}";
  EXPECT_NE(error_of<EtcdBadAnswer>([&] { parse_etcd_answer(resp(200, deep), "s", "w"); })
                .find("nested deeper"),
            std::string::npos);
}

TEST(EtcdCodec, MachinesList) {
  auto m = parse_machines("http://127.0.0.1:23711, http://[::1]:23712,http://h:1/", "s");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].text(), "127.0.0.1:23711");
  EXPECT_EQ(m[1].text(), "[::1]:23712");
  EXPECT_EQ(m[2].text(), "h:1");
  for (const char* bad : {"", "garbage", "http://h", "http://h:99999", "ftp://h:1", "http://a b:1"})
    EXPECT_NE(error_of<EtcdBadAnswer>([&] { parse_machines(bad, "etcd at x:1"); }), "(no error)")
        << bad;
}

TEST(EtcdCodec, Base64AsPythons) {
  EXPECT_EQ(base64_encode("MASTER_ADDR"), "TUFTVEVSX0FERFI=");
  EXPECT_EQ(base64_encode("localhost"), "bG9jYWxob3N0");
  EXPECT_EQ(base64_encode("torchelastic/role_info0"), "dG9yY2hlbGFzdGljL3JvbGVfaW5mbzA=");
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  for (const char* bad : {"abc", "a===", "ab=c", "!!!!", "TQ==TQ=="})
    EXPECT_THROW(base64_decode(bad), std::invalid_argument) << bad;
}

TEST(EtcdCodec, StatesAreCheckedForWhatTorchrunReads) {
  auto ok = parse_rdzv_state(
      R"({"status": "final", "version": "1", "participants": [0, 1], "keep_alives": ["/a", "/b"], "num_workers_waiting": 2})",
      9, "k");
  EXPECT_TRUE(ok.is("final", "1"));
  EXPECT_EQ(ok.participants(), 2u);
  EXPECT_EQ(ok.keep_alives(), (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(ok.num_workers_waiting(), 2);
  EXPECT_EQ(ok.etcd_index, 9u);
  EXPECT_EQ(parse_rdzv_state(R"({"status": "setup"})", 1, "k").status(), "setup");
  EXPECT_EQ(parse_rdzv_state(R"({"status": "closed"})", 1, "k").status(), "closed");
  std::vector<std::pair<std::string, std::string>> bad = {
      {"garbage", "not a JSON object"},
      {R"({"status": 1})", "no \"status\""},
      {R"({"status": "dancing"})", "unknown status"},
      {R"({"status": "joinable", "version": 1, "participants": []})", "\"version\" string"},
      {R"({"status": "joinable", "version": "1"})", "\"participants\""},
      {R"({"status": "frozen", "version": "1", "participants": [0]})", "\"keep_alives\""},
      {R"({"status": "final", "version": "1", "participants": [0], "keep_alives": ["/a"]})",
       "num_workers_waiting"},
      {R"({"status": "final", "version": "1", "participants": [0], "keep_alives": [3], "num_workers_waiting": 0})",
       "not a key"},
  };
  for (auto& [raw, want] : bad) {
    std::string e = error_of<EtcdBadState>([&raw = raw] { parse_rdzv_state(raw, 1, "etcd at h:1: /k"); });
    EXPECT_NE(e.find(want), std::string::npos) << raw << " -> " << e;
    EXPECT_EQ(e.rfind("etcd at h:1: /k holds ", 0), 0u) << e;
  }
}

TEST(EtcdCodec, PrintableKeepsOneLine) {
  EXPECT_EQ(printable("a\nb\x7f", 10), "a\\x0ab\\x7f");
  EXPECT_EQ(printable(std::string(20, 'x'), 5), "xxxxx...");
}

RendezvousParams params(std::map<std::string, std::string> conf, std::string endpoint = "h:1") {
  RendezvousParams p;
  p.backend = "etcd";
  p.endpoint = std::move(endpoint);
  p.run_id = "job-1.a_b";
  p.conf = std::move(conf);
  return p;
}

TEST(EtcdConf, DefaultsAreTorchruns) {
  EtcdConf c = parse_etcd_conf(params({}, ""));
  EXPECT_EQ(c.endpoint.text(), "localhost:2379");
  EXPECT_EQ(c.timeout.count(), 600000);
  EXPECT_EQ(c.last_call_timeout.count(), 30000);
  EXPECT_EQ(c.prefix, "/torchelastic/p2p/");
  EXPECT_EQ(run_path(c, "x", "/rdzv"), "/torchelastic/p2p/run_x/rdzv");
  EXPECT_EQ(parse_etcd_conf(params({}, "10.0.0.1")).endpoint.port, 2379);
  EtcdConf d = parse_etcd_conf(
      params({{"timeout", "6"}, {"last_call_timeout", "0.5"}, {"etcd_prefix", "custom/pfx"},
              {"bogus", "ignored"}}));
  EXPECT_EQ(d.timeout.count(), 6000);
  EXPECT_EQ(d.last_call_timeout.count(), 500);
  EXPECT_EQ(d.prefix, "/custom/pfx/");
}

TEST(EtcdConf, BadValuesAreOneLineErrors) {
  std::vector<std::pair<RendezvousParams, std::string>> bad = {
      {params({{"protocol", "HTTP"}}), "invalid --rdzv-conf protocol=HTTP"},
      {params({{"protocol", "https"}}), "plain http only"},
      {params({{"cacert", "/ca.pem"}}), "cacert/cert/key"},
      {params({{"timeout", "abc"}}), "invalid --rdzv-conf timeout=abc"},
      {params({{"last_call_timeout", "-1"}}), "last_call_timeout=-1"},
      {params({{"etcd_prefix", "/a b"}}), "etcd_prefix"},
      {params({{"etcd_prefix", "/a?b"}}), "etcd_prefix"},
      {params({}, "h:0"), "the port etcd listens on"},
      {params({}, "h:70000"), "invalid --rdzv-endpoint"},
  };
  RendezvousParams id = params({});
  id.run_id = "a/b";
  bad.emplace_back(id, "invalid --rdzv-id 'a/b'");
  for (auto& [p, want] : bad) {
    std::string e = error_of<std::runtime_error>([&p = p] { parse_etcd_conf(p); });
    EXPECT_NE(e.find(want), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace refrun::etcd
