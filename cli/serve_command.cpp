#include <charconv>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/load_config.h"
#include "cli/sync_engine.h"
#include "cli/webhook_verification.h"
#include "clients/counted_http_client.h"
#include "clients/ebay_public_keys.h"
#include "config/config_loader.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/periodic_thread.h"
#include "core/task_pool.h"
#include "handlers/worker.h"
#include "ingress/admin_routes.h"
#include "ingress/health_routes.h"
#include "ingress/http_server.h"
#include "ingress/page_routes.h"
#include "ingress/service_routes.h"
#include "ingress/service_state.h"
#include "ingress/webhook_routes.h"
#include "store/capture_purger.h"
#include "store/redis_gauges.h"
#include "store/redis_health.h"
#include "store/redis_ingest_store.h"
#include "store/redis_store_session.h"
#include "store/redis_sync_store.h"

namespace refundsync {
namespace {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAll:
      return "all";
    case Role::kIngress:
      return "ingress";
    case Role::kWorker:
      return "worker";
  }
  return "all";
}

// The signals that stop the service. Blocked in every thread (threads inherit the mask), taken with sigwait.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

std::string_view RouteGroup(const std::string& path) {  // literals: nothing to allocate per request
  if (path == "/healthz" || path == "/readyz") return "health";
  if (path == "/metrics") return "metrics";
  if (path.rfind("/webhooks/", 0) == 0) return "webhook";
  if (path.rfind("/api/", 0) == 0) return "admin";
  if (path == "/" || path.rfind("/ui", 0) == 0) return "page";
  return "other";
}

// Counts every request by route group and status, and times webhook answers; the per-source webhook counters live
// with the pipeline.
AsyncRequestHandler Counted(MetricsRegistry& metrics, AsyncRequestHandler inner) {
  Histogram& webhook_seconds = metrics.HistogramFor(
      "refundsync_webhook_seconds", "Time from a webhook's arrival to its answer (verified, recorded, answered)");
  return [&metrics, &webhook_seconds, inner = std::move(inner)](HttpRequest request, Respond respond) {
    const std::string_view group = RouteGroup(request.path);
    const auto started = std::chrono::steady_clock::now();
    inner(std::move(request), [&metrics, &webhook_seconds, group, started, respond](HttpResponse response) {
      if (group == "webhook") {
        webhook_seconds.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
      char status[8];
      const auto written = std::to_chars(status, status + sizeof(status), response.status);
      metrics
          .CachedCounter("refundsync_http_requests_total", "HTTP requests by route group and status", "route", group,
                         "status", std::string_view(status, written.ptr - status))
          .Add();
      respond(std::move(response));
    });
  };
}

// Transactions stored before the list's filter indexes existed are indexed once (any replica; idempotent).
void IndexOlderTransactions(const Config& config) {
  auto connection = RedisLocator(config.redis).ConnectToMaster(std::chrono::seconds(2));
  if (!connection) return;
  if (auto indexed = RedisSyncStore(**connection).EnsureIndexes(); !indexed) {
    log::Warn("transaction_index_incomplete", {{"reason", indexed.error().message},
                                               {"effect", "filtered lists miss older transactions until a restart"}});
  } else if (*indexed > 0) {
    log::Info("transactions_indexed", {{"count", static_cast<long long>(*indexed)}});
  }
}

// The public listener, and the admin listener when admin.listen is set; started.
Result<std::vector<std::unique_ptr<HttpServer>>> StartServers(const Config& config, ServiceRoutes& routes,
                                                              MetricsRegistry& metrics, AsyncRedis& redis) {
  HttpServerOptions options;
  options.threads = config.http_threads > 0 ? config.http_threads
                                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.timeouts = {config.http_header_timeout, config.http_body_timeout, config.http_keepalive_timeout};
  options.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  options.connections = {config.http_max_connections, config.http_max_connections_per_client};
  HttpServerOptions public_options = options;
  // Webhooks are recorded on the thread that read them, through that thread's own Redis connection.
  public_options.thread_clients.push_back(redis.ThreadLoopClients());
  std::vector<std::unique_ptr<HttpServer>> servers;
  AsyncRequestHandler public_handler =
      Counted(metrics, [&routes](HttpRequest request, Respond respond) { routes.Public(std::move(request), respond); });
  servers.push_back(std::make_unique<HttpServer>(config.listen, public_handler, public_options));
  if (config.admin_listen) {
    AsyncRequestHandler admin_handler = Counted(
        metrics, [&routes](HttpRequest request, Respond respond) { routes.Admin(std::move(request), respond); });
    servers.push_back(std::make_unique<HttpServer>(*config.admin_listen, admin_handler, options));
  }
  for (auto& server : servers) {
    if (auto started = server->Start(); !started) return started.error();
  }
  return servers;
}

// The worker role's threads: the consumers of the shard streams, and reconciliation of every account on its
// interval.
struct SyncWorkers {
  std::unique_ptr<Worker> worker;
  std::unique_ptr<PeriodicThread> reconciler;

  void Start(const Config& config, const SyncEngine& engine, const StoreConnector& connector, const Clock& clock,
             MetricsRegistry& metrics) {
    // The default cut-over of an account is the first time the service runs with it: record it now, before any
    // event, so nothing created before the service existed is synced automatically.
    if (auto session = connector.Connect(std::chrono::seconds(1))) {
      for (const auto& account : config.accounts) (void)(*session)->store().FirstSeen(account.id, clock.NowMs());
    }
    worker = std::make_unique<Worker>(*engine.processor, connector, ConsumerPrefix(), config.worker_claim_idle, clock,
                                      metrics);
    worker->Start(config.worker_concurrency);
    auto reconcile_session = std::make_shared<std::unique_ptr<StoreSession>>();  // the reconciler thread's own
    // Pointers, not references to this function's parameters: the thread outlives this call.
    reconciler = std::make_unique<PeriodicThread>(
        config.reconcile_interval, [engine = &engine, connector = &connector, clock = &clock, reconcile_session] {
          ReconcileAll(*engine, *connector, *reconcile_session, ConsumerPrefix() + "-reconcile", *clock);
        });
    reconciler->Start();
  }
  void Stop() {
    if (worker) worker->Stop();  // finishes the entries in hand
    if (reconciler) reconciler->Stop();
  }
};

// Waits for SIGTERM or SIGINT, then fails readiness first so the load balancer stops sending, keeps serving during
// the drain delay (a second signal cuts it short), and stops the servers once their requests are answered.
void WaitForStopThenDrain(const Config& config, const sigset_t& stop_signals, ServiceState& state,
                          std::vector<std::unique_ptr<HttpServer>>& servers) {
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::Info("shutdown_started", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
                                 {"drain_delay_ms", static_cast<long long>(config.shutdown_drain_delay.count())}});
  state.BeginShutdown();
  const timespec delay{static_cast<time_t>(config.shutdown_drain_delay.count() / 1000),
                       static_cast<long>((config.shutdown_drain_delay.count() % 1000) * 1'000'000)};
  sigtimedwait(&stop_signals, nullptr, &delay);
  for (auto& server : servers) {
    if (!server->WaitIdle(std::chrono::seconds(10)))
      log::Warn("shutdown_requests_cut", {{"in_flight", server->in_flight()}});
    server->Stop();
  }
}

}  // namespace

int RunServe(const std::string& config_path, Role role) {
  const std::optional<Config> loaded = LoadConfigOrExplain(config_path);
  if (!loaded) return kExitFailed;
  const Config& config = *loaded;
  log::Configure(config.log_format, config.log_level);

  // Block the stop signals before any thread starts so only sigwait below sees them; ignore SIGPIPE from
  // clients that hang up mid-response.
  const sigset_t stop_signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // As many descriptors as the system lets this process have (the soft limit is often 1 024); the connection cap
  // stays below it (ConnectionsTheDescriptorLimitAllows).
  const long descriptors = RaiseDescriptorLimit();

  MetricsRegistry metrics;
  metrics
      .GaugeFor("refundsync_build_info", "Build information",
                {{"version", "0.1.0"}, {"role", std::string(RoleName(role))}})
      .Set(1);
  RedisHealthMonitor redis_health(RedisLocator(config.redis), std::chrono::milliseconds(250));
  redis_health.CheckNow();
  redis_health.Start();
  metrics.GaugeCallback("refundsync_redis_up", "1 when Redis takes writes",
                        [&] { return redis_health.healthy() ? 1 : 0; });
  IndexOlderTransactions(config);

  // The ingress: verifiers (one eBay key cache per account), the Redis ingest store, the webhook routes.
  SystemClock clock;
  // Queue depth and age per shard, transactions by status: read from Redis every 5 s, not on each scrape.
  RedisGauges redis_gauges(RedisLocator(config.redis), metrics, clock, std::chrono::seconds(5));
  redis_gauges.SampleNow();
  redis_gauges.Start();
  CurlHttpClient curl;
  CountedHttpClient http(curl, metrics, "ebay");  // this client fetches eBay's signing keys only
  const WebhookVerification verification(config, http, clock);
  AsyncRedis redis(config.redis, std::chrono::seconds(2));
  CaptureLimits capture_limits{config.captures_max_entries, config.captures_max_age, config.captures_max_bytes};
  RedisIngestStore ingest_store(redis, clock, config.dedupe_window, capture_limits, config.redis.min_replicas_ack);
  PrivacyPurgeRunner purges(RedisLocator(config.redis));
  const WebhookRoutes webhooks(config, ingest_store, verification.sources, purges, clock, metrics);
  const bool serve_webhooks = role != Role::kWorker;
  // The sync machinery: the workers use it, and so do the operator actions of the admin API.
  SyncEngine engine_for_actions(config, clock, metrics);
  const AdminActions admin_actions(config, *engine_for_actions.processor, engine_for_actions.ledger,
                                   engine_for_actions.shopify_by_account, engine_for_actions.ebay_by_account, clock);
  // Blocking store sessions for the admin API, the workers and the reconciler (each thread its own).
  const RedisStoreConnector store_connector{RedisLocator(config.redis)};
  // The refund audit: started by operators through the admin API, and on audit.interval by the worker role.
  const AuditActions audit_actions(config, engine_for_actions.ledger, engine_for_actions.shopify_by_account,
                                   engine_for_actions.ebay_by_account, clock, metrics);
  AuditRuns audit_runs(config, audit_actions, store_connector, clock, ConsumerPrefix() + "-audit",
                       /*scheduled=*/role != Role::kIngress);
  const AdminRoutes admin(config, store_connector, &admin_actions, &webhooks, &audit_actions, &audit_runs);

  ServiceState state([&] { return redis_health.healthy(); });
  HealthRoutes health(state, metrics);
  const bool separate_admin = config.admin_listen.has_value();
  ServiceRoutes routes(health, webhooks, admin, serve_webhooks, separate_admin);
  auto servers = StartServers(config, routes, metrics, redis);
  if (!servers) {
    log::Error("startup_failed", {{"reason", servers.error().message}});
    std::cerr << servers.error().message << "\n";
    return kExitFailed;
  }
  // The worker role: consumers of the shard streams, and reconciliation of every account on its interval.
  SyncWorkers sync_workers;
  if (role != Role::kIngress) sync_workers.Start(config, engine_for_actions, store_connector, clock, metrics);

  log::Info("serving", {{"role", RoleName(role)},
                        {"listen", config.listen.host + ":" + std::to_string(config.listen.port)},
                        {"admin_listen",
                         separate_admin ? config.admin_listen->host + ":" + std::to_string(config.admin_listen->port)
                                        : std::string("same")},
                        {"accounts", config.accounts.size()},
                        {"max_connections", ConnectionsTheDescriptorLimitAllows(config.http_max_connections)},
                        {"descriptor_limit", static_cast<long long>(descriptors)}});

  WaitForStopThenDrain(config, stop_signals, state, *servers);
  sync_workers.Stop();  // the worker finishes the entries in hand
  redis_health.Stop();
  log::Info("shutdown_complete");
  return kExitOk;
}

}  // namespace refundsync
