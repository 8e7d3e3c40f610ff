// What `refundsync subscribe` and error messages need from Shopify: the app's access scopes and its webhook
// subscriptions.
#include <simdjson.h>

#include "clients/shopify_client.h"
#include "clients/shopify_json.h"
#include "clients/shopify_queries.h"
#include "core/json_read.h"
#include "core/json_writer.h"

namespace refundsync {

Result<std::vector<std::string>> ShopifyGraphQlClient::GrantedScopes() {
  auto data = Execute(shopify_queries::kAccessScopes, "{}");
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  std::vector<std::string> scopes;
  simdjson::dom::array nodes;
  if (!root["currentAppInstallation"]["accessScopes"].get_array().get(nodes)) {
    for (auto node : nodes) scopes.push_back(JsonText(node, "handle"));
  }
  return scopes;
}

Result<std::vector<std::string>> ShopifyGraphQlClient::WebhookSubscriptionUris(const std::string& topic) {
  JsonWriter variables;
  variables.BeginObject().Key("topics").BeginArray().String(topic).EndArray().EndObject();
  auto data = Execute(shopify_queries::kWebhookSubscriptions, variables.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  std::vector<std::string> uris;
  simdjson::dom::array nodes;
  if (!root["webhookSubscriptions"]["nodes"].get_array().get(nodes)) {
    for (auto node : nodes) {
      if (JsonText(node, "topic") == topic) uris.push_back(JsonText(node, "uri"));
    }
  }
  return uris;
}

Result<void> ShopifyGraphQlClient::CreateWebhookSubscription(const std::string& topic, const std::string& uri) {
  JsonWriter variables;
  variables.BeginObject().Key("topic").String(topic);
  variables.Key("webhookSubscription").BeginObject().Key("uri").String(uri).Key("format").String("JSON").EndObject();
  variables.EndObject();
  auto data = Execute(shopify_queries::kWebhookSubscriptionCreate, variables.str());
  if (!data) return data.error();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(*data);
  simdjson::dom::array errors;
  if (!root["webhookSubscriptionCreate"]["userErrors"].get_array().get(errors) && errors.size() > 0) {
    return MakeError("upstream_rejected", "Shopify: " + JsonText(errors.at(0), "message"));
  }
  return {};
}

}  // namespace refundsync
