// Kept apart because cpp-jwt is heavy to compile (about 4 s per translation unit).
#include <jwt/jwt.hpp>

#include "clients/netsuite_client.h"

namespace refundsync {

std::string NetSuiteClientAssertion(const NetSuiteConfig& config, const std::string& token_url, std::int64_t now_s) {
  jwt::jwt_object assertion{jwt::params::algorithm("ES256"), jwt::params::secret(config.private_key_pem.reveal()),
                            jwt::params::headers({{"kid", config.certificate_id}, {"typ", "JWT"}})};
  assertion.add_claim("iss", config.client_id.reveal());
  assertion.add_claim("scope", std::vector<std::string>{"restlets", "rest_webservices"});
  assertion.add_claim("aud", token_url);
  assertion.add_claim("iat", now_s);
  assertion.add_claim("exp", now_s + 3000);  // NetSuite requires exp < iat + 3600
  return assertion.signature();
}

}  // namespace refundsync
