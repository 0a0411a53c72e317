// A throwaway PKI for TLS tests, built in memory with the OpenSSL 3 C API:
// a CA (EC P-256 key, self-signed) that issues leaf certificates for chosen
// DNS names and IP addresses, written out as PEM files. No network, no
// `openssl` command. Two TestCa objects are unrelated trust anchors, which is
// how a test plays "signed by someone the client does not trust".
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// OpenSSL's own types, so this header does not pull in OpenSSL.
struct evp_pkey_st;
struct x509_st;

namespace ponte::testing {

// Where a leaf certificate and its private key were written.
struct CertFiles {
  std::filesystem::path cert;  // PEM certificate, leaf only
  std::filesystem::path key;   // PEM private key, unencrypted
};

struct LeafSpec {
  std::string common_name;
  std::vector<std::string> dns;  // subjectAltName DNS entries
  std::vector<std::string> ips;  // subjectAltName IP entries, e.g. "127.0.0.1"
};

class TestCa {
 public:
  // Generates a key and a self-signed CA certificate valid from an hour ago
  // for one day. Throws std::runtime_error with OpenSSL's reason on failure.
  explicit TestCa(std::string common_name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  // Writes the CA certificate to dir/<name> (PEM) and returns the path.
  std::filesystem::path write_cert(const std::filesystem::path& dir, std::string_view name) const;
  // Issues a server certificate (serverAuth) for `spec` signed by this CA and
  // writes dir/<name>.crt and dir/<name>.key. Throws std::runtime_error.
  CertFiles issue(const std::filesystem::path& dir, std::string_view name,
                  const LeafSpec& spec) const;

 private:
  struct Free {
    void operator()(evp_pkey_st* key) const;
    void operator()(x509_st* cert) const;
  };

  std::unique_ptr<evp_pkey_st, Free> key_;
  std::unique_ptr<x509_st, Free> cert_;
};

}  // namespace ponte::testing
