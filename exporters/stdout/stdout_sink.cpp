#include "exporters/stdout/stdout_sink.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/yaml_map.h"
#include "exporters/delivery/spooled_sink.h"
#include "exporters/fd_writer.h"

namespace tripline {

std::unique_ptr<Sink> create_stdout_sink(const OutputConfig& config, const SinkContext& context,
                                         Diagnostics& diags) {
  const size_t errors_before = diags.error_count();
  YamlMap m = extension_map(config, "outputs", diags);
  DeliveryOptions delivery;
  read_delivery_options(m, config, diags, delivery);
  m.finish();
  if (diags.error_count() != errors_before) return nullptr;
  return make_spooled_sink(config, context, delivery,
                           std::make_unique<StdoutTransport>(STDOUT_FILENO), diags);
}

SendResult StdoutTransport::send(std::span<const Alert> alerts) {
  std::string buffer;
  for (const Alert& a : alerts) {
    buffer += a.to_json();
    buffer.push_back('\n');
  }
  if (!write_all(fd_, buffer)) return SendResult::retry(std::string("stdout: ") + std::strerror(errno));
  return SendResult::ok();
}

}  // namespace tripline
