// `refundsync subscribe --config F --account A [--check]`: registers, idempotently, what an account needs to send
// refundsync its events, or (--check) compares what is registered with what should be.
//   Shopify: a REFUNDS_CREATE webhook subscription to {public_url}/webhooks/shopify/{account} (the privacy topics
//            are set in the app's configuration, not by API: see docs/vendor-setup.md), and the app's access scopes
//            against what the account needs (scopes are granted in Shopify, not by this command).
//   eBay:    the Notification API config (alert e-mail), a destination {public_url}/webhooks/ebay/{account} with
//            the verification token (eBay validates it with the endpoint challenge, so the service must be
//            reachable), and subscriptions to MARKETPLACE_ACCOUNT_DELETION (application token) and
//            ORDER_CONFIRMATION (the seller's token). No eBay topic reports a refund: reconciliation polls getOrders.
#include <simdjson.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/load_config.h"
#include "clients/ebay_oauth.h"
#include "clients/shopify_client.h"
#include "config/config_loader.h"
#include "core/clock.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {
namespace {

constexpr const char* kEbayTopics[] = {"MARKETPLACE_ACCOUNT_DELETION", "ORDER_CONFIRMATION"};

// ORDER_CONFIRMATION is a user-context topic: an application token is refused (195011).
bool IsUserTopic(const std::string& topic) { return topic == "ORDER_CONFIRMATION"; }

// The id of what eBay created: it answers 201 with the new resource's URL in Location and no body (Notification
// API createDestination / createSubscription); an id in the body is taken too.
std::string CreatedId(const OutboundResponse& created) {
  auto location = created.headers.find("location");
  if (location != created.headers.end()) {
    std::string url = location->second;
    while (!url.empty() && (url.back() == '/' || url.back() == '\r' || url.back() == ' ')) url.pop_back();
    return url.substr(url.rfind('/') + 1);
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (created.body.empty() || parser.parse(created.body).get(root)) return "";
  return JsonText(root, "destinationId");
}

void Line(const std::string& what, bool present, bool check) {
  std::cout << (present ? "registered   " : check ? "MISSING      " : "registering  ") << what << "\n";
}

// The access scopes the account needs and why; a write scope includes its read scope.
std::vector<std::pair<std::string, std::string>> NeededScopes(const AccountConfig& account) {
  std::vector<std::pair<std::string, std::string>> needed = {
      {"read_orders", "read orders and refunds"},
      {"read_all_orders", "see orders older than 60 days (granted by Shopify on request)"}};
  if (account.direction == Direction::kFromNetSuite) needed.emplace_back("write_orders", "create refunds");
  return needed;
}

// Prints each needed scope as granted or MISSING; false when one is missing (or the scopes cannot be read).
bool ReportScopes(ShopifyGraphQlClient& shopify, const AccountConfig& account) {
  auto granted = shopify.GrantedScopes();
  if (!granted) {
    std::cerr << "cannot read the app's access scopes: " << granted.error().message << "\n";
    return false;
  }
  const auto has = [&](const std::string& scope) {
    return std::find(granted->begin(), granted->end(), scope) != granted->end();
  };
  bool complete = true;
  for (const auto& [scope, why] : NeededScopes(account)) {
    const bool present = has(scope) || (scope.rfind("read_", 0) == 0 && has("write_" + scope.substr(5)));
    complete &= present;
    std::cout << (present ? "granted      " : "MISSING      ") << "Shopify scope " << scope << " (to " << why << ")\n";
  }
  return complete;
}

int SubscribeShopify(const Config& config, const AccountConfig& account, HttpClient& http, bool check) {
  ShopifyGraphQlClient shopify(*account.shopify, http);
  const bool scopes_complete = ReportScopes(shopify, account);
  const std::string uri = config.public_url + "/webhooks/shopify/" + account.id;
  auto uris = shopify.WebhookSubscriptionUris("REFUNDS_CREATE");
  if (!uris) {
    std::cerr << uris.error().message << "\n";
    return kExitFailed;
  }
  const bool present = std::find(uris->begin(), uris->end(), uri) != uris->end();
  Line("Shopify REFUNDS_CREATE -> " + uri, present, check);
  for (const auto& other : *uris) {
    if (other != uri) std::cout << "other        Shopify REFUNDS_CREATE -> " << other << "\n";
  }
  if (check) return present && scopes_complete ? kExitOk : kExitFailed;
  if (present) return kExitOk;
  auto created = shopify.CreateWebhookSubscription("REFUNDS_CREATE", uri);
  if (!created) {
    std::cerr << created.error().message << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

int SubscribeEbay(const Config& config, const AccountConfig& account, HttpClient& http, bool check) {
  const EbayAccountConfig& ebay = *account.ebay;
  if (!check && !ebay.alert_email) {
    std::cerr << "accounts[" << account.id << "].ebay.alert_email is required: eBay's notification config needs it\n";
    return kExitFailed;
  }
  SystemClock clock;
  EbayTokenProvider tokens(ebay, http, clock, EbayGrant::kApplication);
  auto token = tokens.Token();
  if (!token) {
    std::cerr << token.error().message << "\n";
    return kExitFailed;
  }
  const std::string base = ebay.api_base_url + "/commerce/notification/v1";
  auto call = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& bearer = "") {
    OutboundRequest request;
    request.method = method;
    request.url = base + path;
    request.headers = {{"Authorization", "Bearer " + (bearer.empty() ? *token : bearer)},
                       {"Content-Type", "application/json"}};
    request.body = body;
    request.timeout = std::chrono::seconds(30);
    return http.Send(request);
  };
  bool complete = true;
  // 1. config: the alert e-mail (eBay refuses destinations without it).
  auto current = call("GET", "/config", "");
  const bool has_config = current && current->status == 200;
  Line("eBay notification config (alert e-mail)", has_config, check);
  complete &= has_config;
  if (!has_config && !check) {
    JsonWriter body;
    body.BeginObject().Key("alertEmail").String(*ebay.alert_email).EndObject();
    auto put = call("PUT", "/config", body.str());
    if (!put || put->status >= 300) {
      std::cerr << "eBay refused the config: " << (put ? put->body : put.error().message) << "\n";
      return kExitFailed;
    }
  }
  // 2. the destination: our endpoint with the verification token.
  const std::string endpoint = config.public_url + "/webhooks/ebay/" + account.id;
  std::string destination_id;
  auto destinations = call("GET", "/destination", "");
  if (destinations && destinations->status == 200) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array list;
    if (!parser.parse(destinations->body).get(root) && !root["destinations"].get_array().get(list)) {
      for (auto d : list) {
        if (JsonText(d["deliveryConfig"], "endpoint") == endpoint) destination_id = JsonText(d, "destinationId");
      }
    }
  }
  Line("eBay destination -> " + endpoint, !destination_id.empty(), check);
  complete &= !destination_id.empty();
  if (destination_id.empty() && !check) {
    JsonWriter body;
    body.BeginObject().Key("name").String("refundsync " + account.id).Key("status").String("ENABLED");
    body.Key("deliveryConfig").BeginObject().Key("endpoint").String(endpoint);
    body.Key("verificationToken").String(ebay.verification_token.reveal()).EndObject().EndObject();
    auto created = call("POST", "/destination", body.str());
    if (!created || created->status >= 300) {
      std::cerr << "eBay refused the destination (is " << endpoint
                << " reachable and answering the challenge?): " << (created ? created->body : created.error().message)
                << "\n";
      return kExitFailed;
    }
    destination_id = CreatedId(*created);
    if (destination_id.empty()) {
      std::cerr << "eBay created the destination but its answer names no id (no Location header)\n";
      return kExitFailed;
    }
  }
  // 3. the subscriptions.
  std::vector<std::string> subscribed;
  auto subscriptions = call("GET", "/subscription", "");
  if (subscriptions && subscriptions->status == 200) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array list;
    if (!parser.parse(subscriptions->body).get(root) && !root["subscriptions"].get_array().get(list)) {
      for (auto x : list) {
        if (JsonText(x, "destinationId") == destination_id) subscribed.push_back(JsonText(x, "topicId"));
      }
    }
  }
  for (const char* topic : kEbayTopics) {
    const bool present = std::find(subscribed.begin(), subscribed.end(), topic) != subscribed.end();
    Line(std::string("eBay subscription ") + topic, present, check);
    complete &= present;
    if (present || check) continue;
    JsonWriter body;
    body.BeginObject().Key("topicId").String(topic).Key("status").String("ENABLED");
    body.Key("destinationId").String(destination_id);
    body.Key("payload").BeginObject().Key("format").String("JSON").Key("schemaVersion").String("1.0");
    body.Key("deliveryProtocol").String("HTTPS").EndObject().EndObject();
    // User-context topics are subscribed with the seller's token (scope commerce.notification.subscription);
    // the others with the application token.
    std::string bearer;
    if (IsUserTopic(topic)) {
      EbayTokenProvider user_tokens(ebay, http, clock, EbayGrant::kUserNotifications);
      auto user_token = user_tokens.Token();
      if (!user_token) {
        std::cerr << "eBay user token for " << topic << ": " << user_token.error().message << "\n";
        return kExitFailed;
      }
      bearer = *user_token;
    }
    auto created = call("POST", "/subscription", body.str(), bearer);
    // 409 is "already subscribed" only as 195012; 195003 (no config) and 195015 (destination not enabled) are not.
    const bool exists = created && created->status == 409 && created->body.find("195012") != std::string::npos;
    if (!created || (created->status >= 300 && !exists)) {
      std::cerr << "eBay refused the subscription to " << topic << ": "
                << (created ? created->body : created.error().message) << "\n";
      return kExitFailed;
    }
  }
  return check && !complete ? kExitFailed : kExitOk;
}

}  // namespace

int RunSubscribe(const std::string& config_path, const std::string& account_id, bool check) {
  const std::optional<Config> loaded = LoadConfigOrExplain(config_path);
  if (!loaded) return kExitFailed;
  const AccountConfig* account = loaded->FindAccount(account_id);
  if (account == nullptr) {
    std::cerr << "no account \"" << account_id << "\"\n";
    return kExitFailed;
  }
  CurlHttpClient http;
  if (account->shopify) return SubscribeShopify(*loaded, *account, http, check);
  if (account->ebay) return SubscribeEbay(*loaded, *account, http, check);
  std::cerr << "account " << account_id << ": subscriptions for this channel are not built yet\n";
  return kExitFailed;
}

}  // namespace refundsync
