#pragma once
// An HTTP(S) receiver for webhook tests: Beast, synchronous, one connection at a time on its own
// thread; records every request and answers with a settable status.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/beast.h"

namespace tripline::testing {

class WebhookReceiver {
 public:
  struct Request {
    std::string target;
    std::string body;
    std::string signature;
    std::string alert_id;
    std::string authorization;
  };

  // TLS when cert_file is set; client certificates verified against client_ca when given.
  explicit WebhookReceiver(const std::string& cert_file = "", const std::string& key_file = "",
                           const std::string& client_ca = "")
      : ctx_(boost::asio::ssl::context::tls_server), acceptor_(io_) {
    if (!cert_file.empty()) {
      tls_ = true;
      ctx_.use_certificate_chain_file(cert_file);
      ctx_.use_private_key_file(key_file, boost::asio::ssl::context::pem);
      if (!client_ca.empty()) {
        ctx_.load_verify_file(client_ca);
        ctx_.set_verify_mode(boost::asio::ssl::verify_peer |
                             boost::asio::ssl::verify_fail_if_no_peer_cert);
      }
    }
    using tcp = boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~WebhookReceiver() {
    stop_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    // Unblock accept() with a throw-away connection.
    boost::asio::ip::tcp::socket s(io_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }

  uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  void set_status(unsigned status) { status_ = status; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  void run() {
    namespace beast = boost::beast;
    namespace http = beast::http;
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stop_) break;
      if (tls_) {
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx_);
        stream.handshake(boost::asio::ssl::stream_base::server, ec);
        if (!ec) serve(stream);
      } else {
        beast::tcp_stream stream(std::move(socket));
        serve(stream);
      }
    }
  }

  template <class Stream>
  void serve(Stream& stream) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(stream, buffer, req, ec);
      if (ec) return;
      Request r;
      r.target = std::string(req.target());
      r.body = req.body();
      r.signature = std::string(req["X-Tripline-Signature"]);
      r.alert_id = std::string(req["X-Tripline-Alert-Id"]);
      r.authorization = std::string(req[http::field::authorization]);
      const unsigned status = status_;
      if (status >= 200 && status < 300) {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(r));
      }
      http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
      res.body() = "ok";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || !req.keep_alive() || stop_) return;
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  bool tls_ = false;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> status_{200};
  std::mutex mu_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace tripline::testing
