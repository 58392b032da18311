#include "perf/live/live_socket.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace perf::live {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

class LiveSocket : public std::enable_shared_from_this<LiveSocket> {
 public:
  LiveSocket(beast::tcp_stream stream, std::shared_ptr<LiveFeed> feed)
      : ws_(std::move(stream)), feed_(std::move(feed)) {}

  ~LiveSocket() {
    if (follow_id_) feed_->unfollow(follow_id_);
  }

  void start(beast::http::request<beast::http::string_body> request, std::string subprotocol) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& r) {
      r.set(beast::http::field::server, "perf-agent");
      if (!subprotocol.empty()) r.set(beast::http::field::sec_websocket_protocol, subprotocol);
    }));
    ws_.text(true);
    ws_.read_message_max(4096);  // clients only close and ping: nothing big to read
    ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->on_accepted();
    });
  }

 private:
  void on_accepted() {
    std::weak_ptr<LiveSocket> weak = shared_from_this();
    auto executor = ws_.get_executor();
    // Called on the run's control thread: hand the message to this socket's executor.
    auto history = feed_->follow(follow_id_, [weak, executor](const Message& m) {
      asio::post(executor, [weak, m] {
        if (auto self = weak.lock()) self->enqueue(m);
      });
    });
    backlog_limit_ = history.size() + max_backlog;
    for (auto& m : history) queue_.push_back(std::move(m));
    read();  // close frames and pings from the client
    write_next();
  }

  void enqueue(const Message& m) {
    if (closing_) return;
    if (queue_.size() >= backlog_limit_) {  // too slow: drop it, never slow the run
      close(websocket::close_code::policy_error, "too slow: messages were piling up");
      return;
    }
    queue_.push_back(m);
    write_next();
  }

  void write_next() {
    if (writing_ || closing_) return;
    if (queue_.empty()) {
      if (ended_) close(websocket::close_code::normal, "end");
      return;
    }
    writing_ = true;
    ended_ = ended_ || queue_.front()->starts_with("{\"type\":\"end\"");
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      // Closing meanwhile emptied the queue: nothing is left to pop.
                      if (ec || self->closing_) return self->stop();
                      self->queue_.pop_front();
                      if (self->backlog_limit_ > max_backlog) --self->backlog_limit_;
                      self->write_next();
                    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->stop();  // closed by the client, or the connection is gone
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void close(websocket::close_code code, const char* why) {
    if (closing_) return;
    closing_ = true;
    queue_.clear();
    if (writing_) {  // a close frame cannot interleave with a write: end the connection instead
      stop();
      return;
    }
    ws_.async_close(websocket::close_reason(code, why),
                    [self = shared_from_this()](beast::error_code) { self->stop(); });
  }

  void stop() {
    closing_ = true;
    queue_.clear();
    if (follow_id_) feed_->unfollow(std::exchange(follow_id_, 0));
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::shared_ptr<LiveFeed> feed_;
  beast::flat_buffer buffer_;
  std::deque<Message> queue_;
  std::size_t backlog_limit_ = max_backlog;
  int follow_id_ = 0;
  bool writing_ = false, closing_ = false, ended_ = false;
};

}  // namespace

void serve_live_socket(beast::tcp_stream stream,
                       beast::http::request<beast::http::string_body> request,
                       std::shared_ptr<LiveFeed> feed, std::string subprotocol) {
  std::make_shared<LiveSocket>(std::move(stream), std::move(feed))
      ->start(std::move(request), std::move(subprotocol));
}

}  // namespace perf::live
