#include "core/metrics.h"

#include <fmt/format.h>

namespace refundsync {
namespace {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string RenderLabels(const Labels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [key, value] : labels) {
    if (out.size() > 1) out += ',';
    out += key + "=\"" + EscapeLabel(value) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  return out + "}";
}

std::string FormatBound(double bound) { return fmt::format("{}", bound); }

}  // namespace

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::int64_t>[bounds_.size()]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (seconds <= bounds_[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::vector<std::int64_t> Histogram::CumulativeCounts() const {
  std::vector<std::int64_t> counts(bounds_.size());
  std::int64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(const std::string& name, const std::string& type,
                                                    const std::string& help) {
  Family& family = families_[name];
  if (family.type.empty()) {
    family.type = type;
    family.help = help;
  }
  return family;
}

Counter& MetricsRegistry::CachedCounter(std::string_view name, std::string_view help, std::string_view label1,
                                        std::string_view value1, std::string_view label2, std::string_view value2) {
  struct Entry {
    const MetricsRegistry* registry;
    std::string name, value1, value2;
    Counter* counter;
  };
  thread_local std::vector<Entry> cache;  // a few dozen entries at most: routes × statuses, sources × outcomes
  for (const Entry& entry : cache) {
    if (entry.registry == this && entry.name == name && entry.value1 == value1 && entry.value2 == value2) {
      return *entry.counter;
    }
  }
  Counter& counter =
      CounterFor(std::string(name), std::string(help),
                 {{std::string(label1), std::string(value1)}, {std::string(label2), std::string(value2)}});
  cache.push_back({this, std::string(name), std::string(value1), std::string(value2), &counter});
  return counter;
}

Counter& MetricsRegistry::CounterFor(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "counter", help).counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GaugeFor(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "gauge", help).gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& MetricsRegistry::HistogramFor(const std::string& name, const std::string& help, const Labels& labels,
                                         const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, "histogram", help).histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(bounds.empty() ? DefaultLatencyBuckets() : bounds);
  return *slot;
}

void MetricsRegistry::GaugeCallback(const std::string& name, const std::string& help,
                                    std::function<std::int64_t()> read) {
  std::lock_guard lock(mutex_);
  FamilyFor(name, "gauge", help).callback = std::move(read);
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + family.type + "\n";
    for (const auto& [labels, counter] : family.counters)
      out += fmt::format("{}{} {}\n", name, labels, counter->value());
    for (const auto& [labels, gauge] : family.gauges) out += fmt::format("{}{} {}\n", name, labels, gauge->value());
    if (family.callback) out += fmt::format("{} {}\n", name, family.callback());
    for (const auto& [labels, histogram] : family.histograms) {
      // Labels were rendered as "{a="b"}"; bucket lines need "le" added inside the braces.
      const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2) + ",";
      const auto counts = histogram->CumulativeCounts();
      for (std::size_t i = 0; i < counts.size(); ++i) {
        out +=
            fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, inner, FormatBound(histogram->bounds()[i]), counts[i]);
      }
      out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, inner, histogram->count());
      out += fmt::format("{}_sum{} {}\n", name, labels, histogram->sum());
      out += fmt::format("{}_count{} {}\n", name, labels, histogram->count());
    }
  }
  return out;
}

}  // namespace refundsync
