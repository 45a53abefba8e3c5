#pragma once
// Heavy (Beast): include only from .cpp files.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "net/beast.h"
#include "net/tls_client.h"

namespace tripline {

// One client connection, plain TCP or TLS, driven synchronously on a private io_context so that
// every step (resolve, connect, handshake, read, write) is bounded by a timeout, which Beast's
// blocking calls cannot do. For one delivery or collector thread; not thread-safe.
class BlockingConnection {
 public:
  using TcpStream = boost::beast::tcp_stream;
  using TlsStream = boost::beast::ssl_stream<TcpStream>;

  // `tls` false: plain TCP. nullptr with `error` when the TLS files cannot be loaded.
  static std::unique_ptr<BlockingConnection> create(bool tls, const TlsClientOptions& options,
                                                    std::string& error);

  // Resolves and connects to host:port, then (TLS) verifies the peer and handshakes.
  bool connect(const std::string& host, const std::string& port, std::chrono::milliseconds timeout,
               std::string& error);
  bool connected() const { return plain_.has_value() || secure_.has_value(); }
  // Closes the socket without a TLS close_notify (the peer may be gone).
  void disconnect();
  // Sends TLS close_notify (bounded) before closing.
  void shutdown(std::chrono::milliseconds timeout);
  // True when the peer closed a connection it never sends data on (syslog): a readable socket.
  bool peer_closed();

  bool write(const std::string& data, std::chrono::milliseconds timeout, std::string& error);

  // Runs one asynchronous operation started by `start(handler)` to completion, or cancels it
  // after `timeout` and returns beast::error::timeout.
  template <class Start>
  boost::beast::error_code step(Start start, std::chrono::milliseconds timeout) {
    boost::beast::error_code result = boost::asio::error::would_block;
    bool done = false;
    start([&](boost::beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      if (connected()) lowest().cancel();
      io_.restart();
      io_.run();
      result = boost::beast::error::timeout;
    }
    return result;
  }

  // Calls `f` with the connected stream (TLS or plain), for protocol code templated on it.
  template <class F>
  auto with_stream(F&& f) {
    return secure_ ? f(*secure_) : f(*plain_);
  }
  TcpStream& lowest() { return secure_ ? boost::beast::get_lowest_layer(*secure_) : *plain_; }
  boost::beast::flat_buffer& read_buffer() { return buffer_; }

 private:
  BlockingConnection() = default;

  bool tls_ = false;
  TlsClientOptions options_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> context_;
  std::optional<TcpStream> plain_;
  std::optional<TlsStream> secure_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace tripline
