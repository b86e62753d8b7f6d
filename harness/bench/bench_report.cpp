#include "bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace launchcheck {

namespace {

std::string fmt(double v) {
  char buf[32];
  double a = std::fabs(v);
  if (v == std::floor(v) && a < 1e6)
    snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 100)
    snprintf(buf, sizeof buf, "%.0f", v);
  else if (a >= 10)
    snprintf(buf, sizeof buf, "%.1f", v);
  else
    snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string ratio_text(double value, double base) {
  if (base <= 0 || value <= 0) return "—";
  double r = value / base;
  char buf[32];
  snprintf(buf, sizeof buf, r >= 10 ? "×%.0f" : "×%.2f", r);
  return buf;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

}  // namespace

SampleStats stats_of(const BenchResult& r, const std::string& metric) {
  auto it = r.samples.find(metric);
  return it == r.samples.end() ? SampleStats{} : summarize(it->second);
}

Json bench_json(const BenchMeta& meta, const std::vector<BenchCaseResult>& cases) {
  Json doc;
  doc["date"] = meta.date;
  doc["machine"] = meta.machine;
  doc["command"] = meta.command;
  doc["runs"] = meta.runs;
  doc["warmup"] = meta.warmup;
  doc["profiles"] = Json::array();
  for (auto& p : meta.profiles) {
    auto v = meta.versions.find(p);
    doc["profiles"].push_back(
        {{"name", p}, {"version", v == meta.versions.end() ? "" : v->second}});
  }
  doc["cases"] = Json::array();
  for (auto& cr : cases) {
    Json c;
    c["name"] = cr.c.name;
    c["title"] = cr.c.title;
    c["agents"] = cr.c.agents;
    c["workers_per_agent"] = cr.c.nproc;
    c["runs"] = cr.c.max_runs > 0 ? std::min(meta.runs, cr.c.max_runs) : meta.runs;
    c["warmup"] = cr.c.max_warmup >= 0 ? std::min(meta.warmup, cr.c.max_warmup) : meta.warmup;
    c["metrics"] = Json::array();
    for (auto& m : cr.c.metrics)
      c["metrics"].push_back({{"name", m.name}, {"label", m.label}, {"unit", m.unit}});
    c["results"] = Json::array();
    const BenchResult* first = cr.results.empty() ? nullptr : &cr.results.front();
    for (auto& r : cr.results) {
      Json jr = {{"profile", r.profile}, {"status", r.status}};
      if (!r.reason.empty()) jr["reason"] = r.reason;
      Json samples = Json::object(), stats = Json::object();
      for (auto& [name, values] : r.samples) {
        samples[name] = values;
        SampleStats s = summarize(values);
        Json js = {{"min", s.min}, {"median", s.median}, {"max", s.max}, {"count", s.count}};
        SampleStats base = first && first->status == "ok" ? stats_of(*first, name) : SampleStats{};
        if (base.count && base.median > 0) js["ratio_to_first"] = s.median / base.median;
        stats[name] = js;
      }
      jr["samples"] = samples;
      jr["stats"] = stats;
      c["results"].push_back(jr);
    }
    doc["cases"].push_back(c);
  }
  return doc;
}

std::string bench_markdown(const BenchMeta& meta, const std::vector<BenchCaseResult>& cases) {
  std::ostringstream out;
  out << "Medians of " << meta.runs << " runs per launcher (min–max), after " << meta.warmup
      << " warm-up run(s), launchers alternating run by run. " << meta.machine << ", " << meta.date
      << ".\n\n";
  out << "| case | metric |";
  for (auto& p : meta.profiles) out << " " << p << " |";
  for (size_t i = 1; i < meta.profiles.size(); ++i)
    out << " " << meta.profiles[i] << " / " << meta.profiles[0] << " |";
  out << "\n|---|---|";
  for (size_t i = 0; i < 2 * meta.profiles.size() - 1; ++i) out << "---|";
  out << "\n";
  for (auto& cr : cases) {
    for (auto& m : cr.c.metrics) {
      std::string name = cr.c.name;
      if (cr.c.max_runs > 0 && cr.c.max_runs < meta.runs)
        name += " (" + std::to_string(cr.c.max_runs) + " runs)";
      out << "| " << name << " | " << m.label << " (" << m.unit << ") |";
      for (auto& r : cr.results) {
        if (r.status != "ok") {
          out << " " << r.status << ": " << r.reason << " |";
          continue;
        }
        SampleStats s = stats_of(r, m.name);
        out << " " << fmt(s.median) << " (" << fmt(s.min) << "–" << fmt(s.max) << ") |";
      }
      for (size_t i = 1; i < cr.results.size(); ++i) {
        bool both = cr.results[0].status == "ok" && cr.results[i].status == "ok";
        out << " "
            << (both ? ratio_text(stats_of(cr.results[i], m.name).median,
                                  stats_of(cr.results[0], m.name).median)
                     : "—")
            << " |";
      }
      out << "\n";
    }
  }
  return out.str();
}

namespace {

struct Series {
  std::string profile;
  std::vector<std::pair<int, double>> points;  // x (count), y (ms)
};

// Cases named "<prefix>-<N>" give one point per profile: N against the median.
std::vector<Series> series_for(const std::vector<BenchCaseResult>& cases, const std::string& prefix,
                               const std::string& metric, std::vector<int>* xs) {
  std::vector<Series> out;
  for (auto& cr : cases) {
    if (!cr.c.name.starts_with(prefix + "-")) continue;
    int x = std::atoi(cr.c.name.c_str() + prefix.size() + 1);
    if (x <= 0) continue;
    if (std::find(xs->begin(), xs->end(), x) == xs->end()) xs->push_back(x);
    for (auto& r : cr.results) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const Series& s) { return s.profile == r.profile; });
      if (it == out.end()) {
        out.push_back({r.profile, {}});
        it = out.end() - 1;
      }
      SampleStats s = stats_of(r, metric);
      if (r.status == "ok" && s.count && s.median > 0) it->points.push_back({x, s.median});
    }
  }
  std::sort(xs->begin(), xs->end());
  return out;
}

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

// One panel: x evenly spaced by the sorted counts, y on a log10 scale so
// milliseconds and seconds fit together.
void panel(std::ostringstream& out, double ox, double oy, const std::string& title,
           const std::string& xlabel, const std::vector<Series>& series,
           const std::vector<int>& xs) {
  const double w = 380, h = 240, left = 60, top = 30;
  double px = ox + left, py = oy + top;
  out << "<g>\n<text x=\"" << ox + left + w / 2 << "\" y=\"" << oy + 18
      << "\" text-anchor=\"middle\" font-weight=\"bold\">" << xml_escape(title) << "</text>\n";
  out << "<rect x=\"" << px << "\" y=\"" << py << "\" width=\"" << w << "\" height=\"" << h
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
  double lo = 1e300, hi = 0;
  for (auto& s : series)
    for (auto& [x, y] : s.points) {
      lo = std::min(lo, y);
      hi = std::max(hi, y);
    }
  if (hi <= 0 || xs.empty()) {
    out << "<text x=\"" << px + w / 2 << "\" y=\"" << py + h / 2
        << "\" text-anchor=\"middle\">no data</text>\n</g>\n";
    return;
  }
  double dlo = std::floor(std::log10(lo)), dhi = std::ceil(std::log10(hi));
  if (dhi <= dlo) dhi = dlo + 1;
  auto ypos = [&](double y) { return py + h - (std::log10(y) - dlo) / (dhi - dlo) * h; };
  auto xpos = [&](int x) {
    size_t i = std::find(xs.begin(), xs.end(), x) - xs.begin();
    return xs.size() == 1 ? px + w / 2 : px + 30 + i * (w - 60) / (xs.size() - 1);
  };
  for (double d = dlo; d <= dhi; d += 1) {
    double y = ypos(std::pow(10, d));
    out << "<line x1=\"" << px << "\" y1=\"" << y << "\" x2=\"" << px + w << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/>\n<text x=\"" << px - 6 << "\" y=\"" << y + 4
        << "\" text-anchor=\"end\">" << fmt(std::pow(10, d)) << "</text>\n";
  }
  for (int x : xs)
    out << "<text x=\"" << xpos(x) << "\" y=\"" << py + h + 16 << "\" text-anchor=\"middle\">" << x
        << "</text>\n";
  out << "<text x=\"" << px + w / 2 << "\" y=\"" << py + h + 34 << "\" text-anchor=\"middle\">"
      << xml_escape(xlabel) << "</text>\n<text x=\"" << ox + 14 << "\" y=\"" << py + h / 2
      << "\" text-anchor=\"middle\" transform=\"rotate(-90 " << ox + 14 << " " << py + h / 2
      << ")\">ms (log scale)</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kColors[i % 5];
    std::string pts;
    for (auto& [x, y] : series[i].points)
      pts += std::to_string(xpos(x)) + "," + std::to_string(ypos(y)) + " ";
    if (series[i].points.size() > 1)
      out << "<polyline points=\"" << pts << "\" fill=\"none\" stroke=\"" << color
          << "\" stroke-width=\"2\"/>\n";
    for (auto& [x, y] : series[i].points)
      out << "<circle cx=\"" << xpos(x) << "\" cy=\"" << ypos(y) << "\" r=\"3.5\" fill=\"" << color
          << "\"><title>" << xml_escape(series[i].profile) << ": " << fmt(y)
          << " ms</title></circle>\n";
    double ly = py + 14 + 16 * i;
    out << "<rect x=\"" << px + 8 << "\" y=\"" << ly - 9 << "\" width=\"10\" height=\"10\" fill=\""
        << color << "\"/>\n<text x=\"" << px + 22 << "\" y=\"" << ly << "\">"
        << xml_escape(series[i].profile) << "</text>\n";
  }
  out << "</g>\n";
}

}  // namespace

std::string bench_svg(const std::vector<BenchCaseResult>& cases) {
  std::vector<int> wx, ax;
  auto workers = series_for(cases, "trivial", "wall_ms", &wx);
  auto agents = series_for(cases, "rendezvous", "latency_ms", &ax);
  for (auto& s : series_for(cases, "rendezvous-etcd", "latency_ms", &ax)) {
    s.profile += " (etcd)";
    agents.push_back(std::move(s));
  }
  for (auto& s : series_for(cases, "agents", "latency_ms", &ax)) {
    s.profile += " (1 worker each)";
    agents.push_back(std::move(s));
  }
  std::vector<int> sx;
  auto store = series_for(cases, "store-join", "join_ms", &sx);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1440\" height=\"320\" "
         "viewBox=\"0 0 1440 320\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"1440\" height=\"320\" "
         "fill=\"white\"/>\n";
  panel(out, 0, 0, "trivial job: launcher wall time vs workers", "workers", workers, wx);
  panel(out, 480, 0, "rendezvous: launch to all workers started vs agents",
        "agents (4 workers each, unless said)", agents, ax);
  panel(out, 960, 0, "store scale: first connect to round formed", "simulated agents", store, sx);
  out << "</svg>\n";
  return out.str();
}

}  // namespace launchcheck
