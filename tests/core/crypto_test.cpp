#include "core/crypto.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/test_keys.h"

using namespace refundsync;

TEST_CASE("HMAC-SHA256 and SHA-256 match published vectors", "[crypto]") {
  // RFC 4231 test case 2.
  CHECK(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(HexEncode(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("HMAC-SHA256 stays right across many keys and calls (per-thread contexts are reused)", "[crypto]") {
  // RFC 4231 test case 2 again after more keys than a thread keeps contexts for, and interleaved with them.
  const std::string expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  std::vector<std::string> first;
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 7; ++k) {
      const std::string mac = HexEncode(HmacSha256("key-" + std::to_string(k), "same data"));
      if (round == 0) first.push_back(mac);
      CHECK(mac == first[k]);
      CHECK(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) == expected);
    }
  }
  CHECK(first[0] != first[1]);
  CHECK(HexEncode(HmacSha256("", "")) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("Base64 decoding is strict", "[crypto]") {
  CHECK(Base64Decode("aGVsbG8=") == std::optional<std::string>("hello"));
  CHECK(Base64Decode("aGk=") == std::optional<std::string>("hi"));
  CHECK(Base64Decode("") == std::optional<std::string>(""));
  for (const char* bad : {"aGVsbG8", "aGVs bG8=", "aGVsbG8==", "a===", "=aGk", "aG=k", "aGk*"}) {
    INFO(bad);
    CHECK_FALSE(Base64Decode(bad).has_value());
  }
  CHECK(Base64Encode("hello") == "aGVsbG8=");
  CHECK(Base64Encode(std::string("\xff\xfe", 2)) == "//4=");
}

TEST_CASE("Base64url round-trips without padding", "[crypto]") {
  const std::string bytes("\xfb\xff\xbf", 3);
  CHECK(Base64UrlEncode(bytes) == "-_-_");
  CHECK(Base64UrlDecode("-_-_") == std::optional<std::string>(bytes));
  CHECK(Base64UrlDecode("aGk") == std::optional<std::string>("hi"));
  CHECK_FALSE(Base64UrlDecode("a+b/").has_value());
  CHECK_FALSE(Base64UrlDecode("aGk=").has_value());
}

TEST_CASE("A PEM without line breaks, as eBay sends it, loads after normalising", "[crypto]") {
  const auto pair = testing::GenerateEcKeyPair();
  std::string flat = pair.public_pem;
  flat.erase(std::remove(flat.begin(), flat.end(), '\n'), flat.end());
  CHECK(LoadPublicKeyPem(pair.public_pem) != nullptr);
  CHECK(LoadPublicKeyPem(flat) != nullptr);
  CHECK(LoadPublicKeyPem("-----BEGIN PUBLIC KEY-----garbage-----END PUBLIC KEY-----") == nullptr);
}

TEST_CASE("ECDSA signatures verify over exactly the signed bytes", "[crypto]") {
  const auto pair = testing::GenerateEcKeyPair();
  const auto key = LoadPublicKeyPem(pair.public_pem);
  const std::string signature = testing::SignDer(pair.private_pem, DigestAlgorithm::kSha1, "body");
  CHECK(VerifySignature(key.get(), DigestAlgorithm::kSha1, "body", signature));
  CHECK_FALSE(VerifySignature(key.get(), DigestAlgorithm::kSha1, "body ", signature));
  CHECK_FALSE(VerifySignature(key.get(), DigestAlgorithm::kSha256, "body", signature));
  CHECK_FALSE(VerifySignature(key.get(), DigestAlgorithm::kSha1, "body", ""));
}

TEST_CASE("JOSE r||s converts to DER only at the right size", "[crypto]") {
  CHECK(JoseEcdsaToDer(std::string(64, '\x01')).has_value());
  CHECK_FALSE(JoseEcdsaToDer(std::string(63, '\x01')).has_value());
  CHECK(ConstantTimeEqual("abc", "abc"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abd"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abcd"));
}
