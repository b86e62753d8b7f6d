#include "capabilities.h"

#include "json_reader.h"

namespace launchcheck {

const std::vector<Capability>& known_capabilities() {
  static const std::vector<Capability> caps = {
      {"dash-options", "accepts the dash spelling (--nproc-per-node)"},
      {"underscore-options", "accepts the underscore spelling (--nproc_per_node)"},
      {"static", "the static rendezvous (--rdzv-backend=static, --master-addr/--master-port)"},
      {"c10d", "the c10d rendezvous backend (TCP store)"},
      {"etcd", "the etcd rendezvous backends (etcd, etcd-v2)"},
      {"standalone", "--standalone (a local c10d store on a free port)"},
      {"elastic", "--nnodes=MIN:MAX, membership changes and re-rendezvous"},
      {"tee", "--tee"},
      {"redirects", "--redirects"},
      {"log-dir", "--log-dir and its per-attempt layout"},
      {"max-restarts", "--max-restarts (worker group restarts)"},
      {"signals", "forwards SIGTERM/SIGINT/... to its workers"},
      {"signals-to-handle", "--signals-to-handle"},
      {"pdeathsig", "workers die with a SIGKILLed agent"},
      {"python-fixture", "runs a Python script as the worker (the default mode)"},
      {"no-python", "--no-python"},
      {"module", "-m/--module"},
      {"run-path", "--run-path"},
      {"pet-env", "PET_* variables as option defaults"},
      {"local-ranks-filter", "--local-ranks-filter"},
      {"logs-specs", "--logs-specs"},
      {"virtual-local-rank", "--virtual-local-rank"},
      {"refrun-store", "its c10d store speaks refrun's wire protocol (launcher/C10D.md): the store-scale bench"},
      {"python-torch", "workers can import torch (torch.distributed init)"},
      {"gpu", "CUDA GPUs are present (--nproc-per-node=gpu)"},
      {"xpu", "Intel XPUs are present (--nproc-per-node=xpu)"},
      {"fake", "the runner's own tests: a shell script posing as a launcher"},
  };
  return caps;
}

bool is_known_capability(const std::string& name) {
  for (auto& c : known_capabilities())
    if (name == c.name) return true;
  return false;
}

void check_capabilities(const std::vector<std::string>& names, const std::string& pointer) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (is_known_capability(names[i])) continue;
    std::string known;
    for (auto& c : known_capabilities()) known += std::string(known.empty() ? "" : ", ") + c.name;
    field_error(pointer + "/" + std::to_string(i),
                "unknown capability \"" + names[i] + "\" (known: " + known + ")");
  }
}

}  // namespace launchcheck
