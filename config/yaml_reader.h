// Reads one YAML mapping of the configuration while collecting problems instead of stopping at the first.
//
// Every problem is one line that starts with the key path, e.g.
//   accounts[1].refund_direction: "both" is not one of to_netsuite, from_netsuite, off
// Secret values never appear in a message; only the path of the file that holds them does.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/duration.h"
#include "core/secret.h"

namespace refundsync {

using ConfigErrors = std::vector<std::string>;

enum class Presence { kOptional, kRequired };

class YamlMapReader {
 public:
  // `path` is the key path of this mapping ("" for the document, "netsuite.webhook", "accounts[0]").
  YamlMapReader(const YAML::Node& node, std::string path, ConfigErrors& errors);

  bool valid() const { return valid_; }
  bool Has(const std::string& key);

  std::optional<std::string> String(const std::string& key, Presence presence);
  std::optional<std::string> Url(const std::string& key, Presence presence);
  std::optional<HostPort> Address(const std::string& key, Presence presence);
  std::optional<std::int64_t> Integer(const std::string& key, std::int64_t min, std::int64_t max);
  std::optional<bool> Boolean(const std::string& key);
  std::optional<Duration> DurationValue(const std::string& key);
  // Bytes, or a size with its unit ("256MiB", core/byte_size.h), within [min, max].
  std::optional<std::int64_t> ByteSize(const std::string& key, std::int64_t min, std::int64_t max);
  // Reads the file named by the key's value; trailing newlines are trimmed.
  std::optional<Secret> SecretFile(const std::string& key, Presence presence);
  std::vector<Secret> SecretFiles(const std::string& key, Presence presence);
  std::optional<std::vector<std::string>> StringList(const std::string& key, Presence presence);
  // The raw node of a nested mapping or sequence, marked as known.
  std::optional<YAML::Node> Node(const std::string& key, Presence presence);

  std::string PathOf(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const std::string& key, const std::string& message) { errors_.push_back(PathOf(key) + ": " + message); }

  // Reports every key of the mapping that no reader call asked for.
  void RejectUnknownKeys();

 private:
  std::optional<YAML::Node> Scalar(const std::string& key, Presence presence);

  YAML::Node node_;
  std::string path_;
  ConfigErrors& errors_;
  std::set<std::string> known_;
  bool valid_ = true;
};

// Reads a secret file: the content with trailing "\n"/"\r\n" trimmed, or an error message without the content.
std::optional<Secret> ReadSecretFile(const std::string& file, std::string& error);

std::optional<HostPort> ParseHostPort(const std::string& text);
bool IsHttpUrl(const std::string& text);

}  // namespace refundsync
