#pragma once
// A TLS server that speaks nothing newer than TLS 1.1 (security level 0, as old appliances do),
// for "TLS 1.1 is refused" tests: it accepts connections on 127.0.0.1:<port 0>, attempts the
// handshake, counts the outcomes and closes. Header-only.
#include <openssl/ssl.h>

#include <atomic>
#include <string>
#include <thread>

#include "net/beast.h"

namespace tripline::testing {

class OldTlsServer {
 public:
  OldTlsServer(const std::string& cert_file, const std::string& key_file)
      : ctx_(boost::asio::ssl::context::tls_server), acceptor_(io_) {
    SSL_CTX* native = ctx_.native_handle();
    // TLS 1.1 needs SHA-1 signatures: below every default security level of OpenSSL 3.
    SSL_CTX_set_security_level(native, 0);
    SSL_CTX_set_cipher_list(native, "DEFAULT@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(native, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_1_VERSION);
    ctx_.use_certificate_chain_file(cert_file);
    ctx_.use_private_key_file(key_file, boost::asio::ssl::context::pem);
    using tcp = boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~OldTlsServer() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    boost::asio::ip::tcp::socket s(io_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  OldTlsServer(const OldTlsServer&) = delete;
  OldTlsServer& operator=(const OldTlsServer&) = delete;

  uint16_t port() const { return port_; }
  int handshakes_ok() const { return ok_; }
  int handshakes_failed() const { return failed_; }

  // A client that allows TLS 1.0-1.1 at security level 0: proves the server really serves
  // TLS 1.1 (so a refusal by the agent is the agent's doing). True when its handshake succeeded.
  bool old_client_handshakes() {
    boost::asio::io_context io;
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    ctx.set_verify_mode(boost::asio::ssl::verify_none);
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(io, ctx);
    boost::system::error_code ec;
    stream.lowest_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    if (!ec) stream.handshake(boost::asio::ssl::stream_base::client, ec);
    const bool ok = !ec && SSL_version(stream.native_handle()) == TLS1_1_VERSION;
    stream.lowest_layer().close(ec);
    return ok;
  }

 private:
  void run() {
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) break;
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), ctx_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) {
        ++failed_;
      } else {
        ++ok_;
      }
      stream.lowest_layer().close(ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> ok_{0};
  std::atomic<int> failed_{0};
  std::thread thread_;
};

}  // namespace tripline::testing
