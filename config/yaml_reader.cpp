#include "config/yaml_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/byte_size.h"

namespace refundsync {
namespace {

std::string Quote(const std::string& text) { return "\"" + text + "\""; }

}  // namespace

std::optional<Secret> ReadSecretFile(const std::string& file, std::string& error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read " + Quote(file) + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string value = content.str();
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.empty()) {
    error = Quote(file) + " is empty";
    return std::nullopt;
  }
  return Secret(std::move(value));
}

std::optional<HostPort> ParseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);  // [::1]:8080
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int value = std::stoi(port);
  if (value < 1 || value > 65535) return std::nullopt;
  return HostPort{host, value};
}

bool IsHttpUrl(const std::string& text) {
  for (const std::string scheme : {"http://", "https://"}) {
    if (text.rfind(scheme, 0) == 0) {
      const std::string rest = text.substr(scheme.size());
      const std::string host = rest.substr(0, rest.find('/'));
      return !host.empty() && host.find_first_of(" \t") == std::string::npos;
    }
  }
  return false;
}

YamlMapReader::YamlMapReader(const YAML::Node& node, std::string path, ConfigErrors& errors)
    : node_(node), path_(std::move(path)), errors_(errors) {
  if (!node_.IsMap()) {
    errors_.push_back((path_.empty() ? std::string("the document") : path_) + ": must be a mapping of keys");
    valid_ = false;
  }
}

bool YamlMapReader::Has(const std::string& key) { return valid_ && node_[key].IsDefined() && !node_[key].IsNull(); }

std::optional<YAML::Node> YamlMapReader::Node(const std::string& key, Presence presence) {
  known_.insert(key);
  if (!valid_) return std::nullopt;
  YAML::Node value = node_[key];
  if (!value.IsDefined() || value.IsNull()) {
    if (presence == Presence::kRequired) Fail(key, "is required");
    return std::nullopt;
  }
  return value;
}

std::optional<YAML::Node> YamlMapReader::Scalar(const std::string& key, Presence presence) {
  auto value = Node(key, presence);
  if (value && !value->IsScalar()) {
    Fail(key, "must be a single value");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> YamlMapReader::String(const std::string& key, Presence presence) {
  auto value = Scalar(key, presence);
  if (!value) return std::nullopt;
  std::string text = value->as<std::string>();
  if (text.empty()) {
    if (presence == Presence::kRequired) Fail(key, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> YamlMapReader::Url(const std::string& key, Presence presence) {
  auto text = String(key, presence);
  if (text && !IsHttpUrl(*text)) {
    Fail(key, Quote(*text) + " is not an http:// or https:// URL");
    return std::nullopt;
  }
  if (text && text->back() == '/') text->pop_back();  // base URLs are joined with paths that start with '/'
  return text;
}

std::optional<HostPort> YamlMapReader::Address(const std::string& key, Presence presence) {
  auto text = String(key, presence);
  if (!text) return std::nullopt;
  auto address = ParseHostPort(*text);
  if (!address) Fail(key, Quote(*text) + " is not host:port with a port from 1 to 65535");
  return address;
}

std::optional<std::int64_t> YamlMapReader::Integer(const std::string& key, std::int64_t min, std::int64_t max) {
  auto value = Scalar(key, Presence::kOptional);
  if (!value) return std::nullopt;
  const std::string text = value->as<std::string>();
  std::int64_t number = 0;
  try {
    std::size_t used = 0;
    number = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    Fail(key, Quote(text) + " is not an integer");
    return std::nullopt;
  }
  if (number < min || number > max) {
    Fail(key, std::to_string(number) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> YamlMapReader::Boolean(const std::string& key) {
  auto value = Scalar(key, Presence::kOptional);
  if (!value) return std::nullopt;
  const std::string text = value->as<std::string>();
  if (text == "true") return true;
  if (text == "false") return false;
  Fail(key, Quote(text) + " is not true or false");
  return std::nullopt;
}

std::optional<Duration> YamlMapReader::DurationValue(const std::string& key) {
  auto text = String(key, Presence::kOptional);
  if (!text) return std::nullopt;
  auto duration = ParseDuration(*text);
  if (!duration) {
    Fail(key, duration.error().message);
    return std::nullopt;
  }
  return *duration;
}

std::optional<std::int64_t> YamlMapReader::ByteSize(const std::string& key, std::int64_t min, std::int64_t max) {
  auto text = String(key, Presence::kOptional);
  if (!text) return std::nullopt;
  auto size = ParseByteSize(*text);
  if (!size) {
    Fail(key, size.error().message);
    return std::nullopt;
  }
  if (*size < min || *size > max) {
    Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes");
    return std::nullopt;
  }
  return *size;
}

std::optional<Secret> YamlMapReader::SecretFile(const std::string& key, Presence presence) {
  auto file = String(key, presence);
  if (!file) return std::nullopt;
  std::string error;
  auto secret = ReadSecretFile(*file, error);
  if (!secret) Fail(key, error);
  return secret;
}

std::optional<std::vector<std::string>> YamlMapReader::StringList(const std::string& key, Presence presence) {
  auto value = Node(key, presence);
  if (!value) return std::nullopt;
  if (!value->IsSequence()) {
    Fail(key, "must be a list");
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const YAML::Node item = (*value)[i];
    if (!item.IsScalar() || item.as<std::string>().empty()) {
      errors_.push_back(PathOf(key) + "[" + std::to_string(i) + "]: must be a non-empty string");
      continue;
    }
    items.push_back(item.as<std::string>());
  }
  if (items.empty() && presence == Presence::kRequired) Fail(key, "must list at least one entry");
  return items;
}

std::vector<Secret> YamlMapReader::SecretFiles(const std::string& key, Presence presence) {
  std::vector<Secret> secrets;
  auto files = StringList(key, presence);
  if (!files) return secrets;
  for (std::size_t i = 0; i < files->size(); ++i) {
    std::string error;
    if (auto secret = ReadSecretFile((*files)[i], error)) {
      secrets.push_back(std::move(*secret));
    } else {
      errors_.push_back(PathOf(key) + "[" + std::to_string(i) + "]: " + error);
    }
  }
  return secrets;
}

void YamlMapReader::RejectUnknownKeys() {
  if (!valid_) return;
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (!known_.count(key)) Fail(key, "unknown key");
  }
}

}  // namespace refundsync
