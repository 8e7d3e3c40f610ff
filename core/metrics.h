// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text format.
//
// Each component declares its metric families in one place (see ingress/server_metrics.h) and keeps the
// handles; updating a handle is a lock-free atomic add, so the request path never takes the registry lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace refundsync {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(std::int64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

class Gauge {
 public:
  void Set(std::int64_t value) { value_.store(value, std::memory_order_relaxed); }
  void Add(std::int64_t by) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Latency histogram in seconds with fixed bucket bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);

  const std::vector<double>& bounds() const { return bounds_; }
  std::vector<std::int64_t> CumulativeCounts() const;
  std::int64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::int64_t>[]> buckets_;
  std::atomic<std::int64_t> count_{0};
  std::atomic<std::int64_t> sum_micros_{0};
};

class MetricsRegistry {
 public:
  // Handles stay valid for the registry's lifetime. Asking again for the same name and labels returns the same one.
  Counter& CounterFor(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GaugeFor(const std::string& name, const std::string& help, const Labels& labels = {});
  // `bounds`: the buckets' upper bounds in seconds, the first time this histogram is asked for (default: 0.5 ms
  // to 10 s, for requests).
  Histogram& HistogramFor(const std::string& name, const std::string& help, const Labels& labels = {},
                          const std::vector<double>& bounds = {});
  // A gauge computed when /metrics is scraped (e.g. queue depth read from Redis).
  void GaugeCallback(const std::string& name, const std::string& help, std::function<std::int64_t()> read);

  std::string RenderPrometheus() const;

  // CounterFor with two labels, for request paths: the handle is looked up once per thread and label values,
  // then found again by comparing in place (no lock, no allocation; both showed in the ingress profile).
  Counter& CachedCounter(std::string_view name, std::string_view help, std::string_view label1, std::string_view value1,
                         std::string_view label2, std::string_view value2);

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // keyed by rendered labels
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::function<std::int64_t()> callback;
  };
  Family& FamilyFor(const std::string& name, const std::string& type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// Default latency buckets: 0.5 ms .. 10 s.
std::vector<double> DefaultLatencyBuckets();

}  // namespace refundsync
