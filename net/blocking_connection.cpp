#include "net/blocking_connection.h"

#include <sys/socket.h>

#include <cerrno>

namespace tripline {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::unique_ptr<BlockingConnection> BlockingConnection::create(bool tls,
                                                               const TlsClientOptions& options,
                                                               std::string& error) {
  std::unique_ptr<BlockingConnection> c(new BlockingConnection());
  c->tls_ = tls;
  c->options_ = options;
  if (tls) {
    c->context_ = make_tls_client_context(options, error);
    if (!c->context_) return nullptr;
  }
  return c;
}

bool BlockingConnection::connect(const std::string& host, const std::string& port,
                                 std::chrono::milliseconds timeout, std::string& error) {
  disconnect();
  tcp::resolver resolver(io_);
  tcp::resolver::results_type endpoints;
  beast::error_code ec = asio::error::would_block;
  bool done = false;
  resolver.async_resolve(host, port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
    done = true;
  });
  io_.restart();
  io_.run_for(timeout);
  if (!done) {
    resolver.cancel();
    io_.restart();
    io_.run();
    ec = beast::error::timeout;
  }
  if (ec) {
    error = "resolve " + host + ": " + ec.message();
    return false;
  }
  if (tls_) {
    secure_.emplace(io_, *context_);
    if (!prepare_tls_connection(secure_->native_handle(), host, options_, error)) {
      disconnect();
      return false;
    }
  } else {
    plain_.emplace(io_);
  }
  ec = step([&](auto handler) { lowest().async_connect(endpoints, std::move(handler)); }, timeout);
  if (ec) {
    error = "connect " + host + ":" + port + ": " + ec.message();
    disconnect();
    return false;
  }
  if (secure_) {
    ec = step(
        [&](auto handler) { secure_->async_handshake(ssl::stream_base::client, std::move(handler)); },
        timeout);
    if (ec) {
      error = "TLS handshake with " + host + ": " + ec.message();
      disconnect();
      return false;
    }
  }
  return true;
}

void BlockingConnection::disconnect() {
  if (connected()) {
    beast::error_code ec;
    lowest().socket().close(ec);
  }
  plain_.reset();
  secure_.reset();
  buffer_.clear();
}

void BlockingConnection::shutdown(std::chrono::milliseconds timeout) {
  if (secure_) {
    step([&](auto handler) { secure_->async_shutdown(std::move(handler)); }, timeout);
  }
  disconnect();
}

bool BlockingConnection::peer_closed() {
  if (!connected()) return true;
  const int fd = lowest().socket().native_handle();
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  if (n < 0) return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  if (!secure_) return false;
  // Under TLS a readable socket may only hold session tickets, which reading consumes; a close
  // shows as an error rather than a timeout.
  char buf[256];
  const beast::error_code ec = step(
      [&](auto handler) { secure_->async_read_some(asio::buffer(buf), std::move(handler)); },
      std::chrono::milliseconds(20));
  return ec != beast::error::timeout;
}

bool BlockingConnection::write(const std::string& data, std::chrono::milliseconds timeout,
                               std::string& error) {
  const beast::error_code ec = step(
      [&](auto handler) {
        with_stream([&](auto& stream) { asio::async_write(stream, asio::buffer(data), std::move(handler)); });
      },
      timeout);
  if (ec) {
    error = "write: " + ec.message();
    return false;
  }
  return true;
}

}  // namespace tripline
