// TestCa: certificates are assembled field by field with the X509 builder
// and signed with SHA-256; extensions come from their usual text form
// ("critical,CA:TRUE") through X509V3_EXT_conf_nid, as `openssl req` does.
#include "tests/support/test_pki.hpp"

#include <atomic>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ponte::testing {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using File = std::unique_ptr<BIO, decltype(&BIO_free)>;

constexpr long kNotBeforeSeconds = -60 * 60;  // tolerate a clock a little behind
constexpr long kValiditySeconds = 24 * 60 * 60;

// Every certificate this process issues gets its own serial number.
std::atomic<long> next_serial{1};

[[noreturn]] void fail_openssl(const std::string& what) {
  std::string reason = what;
  if (const unsigned long code = ERR_get_error(); code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason += ": ";
    reason += text;
  }
  ERR_clear_error();
  throw std::runtime_error("test_pki: " + reason);
}

void check(int ok, const std::string& what) {
  if (ok != 1) fail_openssl(what);
}

PKey make_key() {
  PKey key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  if (!key) fail_openssl("EC P-256 key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail_openssl("extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "X509_add_ext");
}

// A version 3 certificate for `subject_key` named `common_name`, with its
// validity set; the issuer name and extensions are the caller's.
Cert new_cert(EVP_PKEY* subject_key, const std::string& common_name) {
  Cert cert(X509_new(), &X509_free);
  if (!cert) fail_openssl("X509_new");
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), next_serial++), "serial");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), kNotBeforeSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds)) {
    fail_openssl("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0),
        "subject CN");
  check(X509_set_pubkey(cert.get(), subject_key), "X509_set_pubkey");
  return cert;
}

File open_for_writing(const std::filesystem::path& path) {
  File file(BIO_new_file(path.c_str(), "w"), &BIO_free);
  if (!file) fail_openssl("cannot write " + path.string());
  return file;
}

void write_cert_pem(X509* cert, const std::filesystem::path& path) {
  auto file = open_for_writing(path);
  check(PEM_write_bio_X509(file.get(), cert), "PEM_write_bio_X509 " + path.string());
}

void write_key_pem(EVP_PKEY* key, const std::filesystem::path& path) {
  auto file = open_for_writing(path);
  check(PEM_write_bio_PrivateKey(file.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey " + path.string());
}

std::string subject_alt_names(const LeafSpec& spec) {
  std::string out;
  for (const auto& dns : spec.dns) out += (out.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : spec.ips) out += (out.empty() ? "IP:" : ",IP:") + ip;
  return out;
}

}  // namespace

void TestCa::Free::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }
void TestCa::Free::operator()(x509_st* cert) const { X509_free(cert); }

TestCa::TestCa(std::string common_name) {
  auto key = make_key();
  auto cert = new_cert(key.get(), common_name);
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())), "issuer name");
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail_openssl("signing the CA");
  key_.reset(key.release());
  cert_.reset(cert.release());
}

TestCa::~TestCa() = default;

std::filesystem::path TestCa::write_cert(const std::filesystem::path& dir,
                                         std::string_view name) const {
  auto path = dir / name;
  write_cert_pem(cert_.get(), path);
  return path;
}

CertFiles TestCa::issue(const std::filesystem::path& dir, std::string_view name,
                        const LeafSpec& spec) const {
  auto key = make_key();
  auto cert = new_cert(key.get(), spec.common_name);
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_.get())), "issuer name");
  add_extension(cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), cert_.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), cert_.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
  if (const auto san = subject_alt_names(spec); !san.empty()) {
    add_extension(cert.get(), cert_.get(), NID_subject_alt_name, san);
  }
  if (X509_sign(cert.get(), key_.get(), EVP_sha256()) <= 0) fail_openssl("signing a leaf");

  CertFiles files{dir / (std::string(name) + ".crt"), dir / (std::string(name) + ".key")};
  write_cert_pem(cert.get(), files.cert);
  write_key_pem(key.get(), files.key);
  return files;
}

}  // namespace ponte::testing
