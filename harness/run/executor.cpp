#include "executor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/clock.h"
#include "common/spawn.h"
#include "common/subreaper.h"
#include "survivors.h"

namespace launchcheck {

Executor::Executor(const ResolvedScenario& s, std::vector<AgentCommand> commands,
                   ExecutorSetup setup)
    : s_(s),
      setup_(std::move(setup)),
      scheduler_(s.faults),
      nemesis_(Nemesis::Agents{[this](const std::string& n) { return running_pid(n); },
                               [this](const std::string& n) { return start_node(n); }}) {
  record_.timeout_s = s.timeout_s;
  for (size_t i = 0; i < commands.size(); ++i) {
    AgentRecord rec;
    rec.node = s.nodes[i].name;
    rec.argv = commands[i].argv;
    rec.env_changes = commands[i].env_changes;
    record_.agents.push_back(rec);
    agents_.push_back(Agent{std::move(commands[i]), nullptr, nullptr, {}});
  }
}

Executor::~Executor() {
  if (devnull_ >= 0) close(devnull_);
}

RunRecord Executor::run() {
  common::become_subreaper();
  guard_.start();
  devnull_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  follower_ = std::make_unique<EventLogFollower>(setup_.events);
  loop_.watch_fd(follower_->fd(), [this](uint32_t) { on_events(); });
  loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(s_.timeout_s * 1e6)),
                  [this] { on_timeout(); });
  schedule_timed_faults();
  record_.start_ns = common::now_ns();
  for (size_t i = 0; i < s_.nodes.size(); ++i) schedule_start(i);
  maybe_finish();
  if (!finished_) loop_.run();
  after_run();
  return std::move(record_);
}

// Runs `action` `seconds` from now. A pending start keeps the run open.
void Executor::after(double seconds, bool starts_a_node, std::function<void()> action) {
  if (starts_a_node) ++pending_starts_;
  loop_.add_timer(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)),
                  [this, starts_a_node, action = std::move(action)] {
                    if (starts_a_node) --pending_starts_;
                    action();
                    maybe_finish();
                  });
}

void Executor::schedule_start(size_t i) {
  const ResolvedNode& n = s_.nodes[i];
  if (n.held) return;
  if (n.start_after_s <= 0) {
    start_agent(i);
    return;
  }
  after(n.start_after_s, true, [this, i] {
    if (!finished_) start_agent(i);
  });
}

void Executor::schedule_timed_faults() {
  for (auto& [f, secs] : scheduler_.timed()) {
    size_t index = f;
    after(secs, s_.faults[f].action.kind == Action::Kind::kStartNode, [this, index] {
      scheduler_.mark_fired(index);
      fire({index});
    });
  }
}

void Executor::start_agent(size_t i) {
  Agent& a = agents_[i];
  AgentRecord& rec = record_.agents[i];
  if (rec.started) return;
  rec.started = true;
  if (a.command.exe.empty()) {
    rec.exec_error = "cannot exec " + a.command.argv[0] + ": not found on PATH";
    return;
  }
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
    rec.exec_error = std::string("pipe: ") + strerror(errno);
    return;
  }
  common::SpawnOptions opt;
  opt.program = a.command.exe;
  opt.argv = a.command.argv;
  opt.env = a.command.envp;
  opt.cwd = setup_.cwd;
  opt.stdin_fd = devnull_;
  opt.stdout_fd = out[1];
  opt.stderr_fd = err[1];
  opt.guard = &guard_;  // the agent registers its group before exec
  // vfork (the default) waits for the exec, so a start that failed is
  // known here, with the step that failed.
  rec.start_ns = common::now_ns();
  try {
    a.process = common::spawn(opt);
  } catch (const std::exception& e) {
    rec.exec_error = e.what();
  }
  close(out[1]);
  close(err[1]);
  if (a.process.pid() <= 0) {
    close(out[0]);
    close(err[0]);
    return;
  }
  rec.pid = rec.pgid = a.process.pid();
  groups_.insert(rec.pid);
  rec.exec_error = common::describe_exec_error(opt, a.process);
  // A directory that cannot be entered is the run's setup, not the launcher.
  if (a.process.exec_error_step() != common::SpawnStep::kExec && !rec.exec_error.empty() &&
      record_.setup_error.empty())
    record_.setup_error = "node " + rec.node + ": " + rec.exec_error;
  watch_console(i, false, out[0]);
  watch_console(i, true, err[0]);
  loop_.watch_fd(a.process.pidfd(), [this, i](uint32_t) { on_agent_exit(i); });
}

void Executor::watch_console(size_t i, bool err, int fd) {
  AgentRecord& rec = record_.agents[i];
  auto& reader = err ? agents_[i].err : agents_[i].out;
  reader = std::make_unique<ConsoleReader>(fd, err ? &rec.err : &rec.out);
  // An unread stdout is only read after the run (drain_consoles).
  if (err || !s_.nodes[i].stdout_unread)
    loop_.watch_fd(fd, [this, i, err](uint32_t) { on_console(i, err); });
}

void Executor::on_agent_exit(size_t i) {
  Agent& a = agents_[i];
  AgentRecord& rec = record_.agents[i];
  auto status = a.process.try_reap();
  if (!status) return;
  record_exit(rec, *status);
  loop_.unwatch_fd(a.process.pidfd());
  a.process.close_pidfd();
  fire(scheduler_.on_agent_exit(rec.node));
  maybe_finish();
}

void Executor::on_console(size_t i, bool err) {
  ConsoleReader& reader = *(err ? agents_[i].err : agents_[i].out);
  for (auto& line : reader.read_available())
    fire(scheduler_.on_output_line(record_.agents[i].node, line));
  fire(scheduler_.on_output_fragment(record_.agents[i].node, reader.pending()));
  if (reader.at_eof()) {
    loop_.unwatch_fd(reader.fd());
    reader.close_now();
  }
}

void Executor::on_events() {
  for (auto& line : follower_->read_new_lines()) {
    std::string why;
    auto e = parse_event_line(line, &why);
    if (!e) {
      record_.bad_event_lines.push_back(line);
      continue;
    }
    handle_event(*e);
  }
}

void Executor::handle_event(const WorkerEvent& e) {
  record_.events.push_back(e);
  if (e.ev == "start" && e.pgid > 1 && e.pgid != getpgrp()) watch_group(e.pgid);
  nemesis_.on_worker_event(e);
  fire(scheduler_.on_worker_event(e));
}

void Executor::watch_group(pid_t pgid) {
  if (groups_.insert(pgid).second) guard_.watch(pgid);
}

void Executor::fire(const std::vector<size_t>& faults) {
  // Output and events read while cleaning up must not start anything new.
  if (finished_) return;
  for (size_t f : faults) {
    auto apply = [this, f] { record_.faults.push_back(nemesis_.apply(s_.faults[f], common::now_ns())); };
    double delay = s_.faults[f].when.delay_s;
    if (delay <= 0) {
      apply();
      continue;
    }
    after(delay, s_.faults[f].action.kind == Action::Kind::kStartNode, [this, apply] {
      if (!finished_) apply();
    });
  }
}

int Executor::running_pid(const std::string& node) const {
  const AgentRecord* rec = record_.agent(node);
  return rec && rec->pid && !rec->exited ? rec->pid : 0;
}

std::string Executor::start_node(const std::string& node) {
  for (size_t i = 0; i < s_.nodes.size(); ++i) {
    if (s_.nodes[i].name != node) continue;
    if (record_.agents[i].started) return "node " + node + " had already started";
    start_agent(i);
  }
  return "";
}

void Executor::on_timeout() {
  record_.timed_out = true;
  kill_run(guard_.pid(), groups_);
}

void Executor::maybe_finish() {
  if (finished_ || pending_starts_ > 0) return;
  for (auto& a : record_.agents)
    if (a.started && a.exec_error.empty() && !a.exited) return;
  finished_ = true;
  loop_.stop();
}

void Executor::after_run() {
  int64_t end = 0;
  for (auto& a : record_.agents) end = std::max(end, a.end_ns);
  record_.end_ns = end ? end : common::now_ns();
  on_events();
  if (!record_.timed_out) record_.survivors = find_survivors(guard_.pid(), setup_.orphan_grace_s);
  kill_run(guard_.pid(), groups_);

  // Everyone is dead now: read the consoles to their end.
  std::vector<ConsoleReader*> consoles;
  for (auto& a : agents_)
    for (auto* c : {a.out.get(), a.err.get()})
      if (c) consoles.push_back(c);
  drain_consoles(consoles, 2000);

  for (auto& line : follower_->read_rest()) {
    std::string why;
    auto e = parse_event_line(line, &why);
    if (e)
      record_.events.push_back(*e);
    else
      record_.bad_event_lines.push_back(line);
  }
  guard_.goodbye();
  // Reap every child: agents killed at the timeout, adopted orphans.
  for (size_t i = 0; i < agents_.size(); ++i) reap_agent(record_.agents[i], agents_[i].process);
  common::reap_children(10);
}

}  // namespace launchcheck
