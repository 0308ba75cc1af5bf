#include "terminal.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include <sys/ioctl.h>
#include <unistd.h>

#include "codex_mcp/util/environment.hpp"

namespace codex_mcp::cli {

Terminal Terminal::detect() {
  if (::isatty(STDOUT_FILENO) != 1) return {false, 0};
  // https://no-color.org: any non-empty NO_COLOR turns colour off.
  const bool colour =
      util::env_or_empty("NO_COLOR").empty() && util::env_or_empty("TERM") != "dumb";
  winsize size{};
  std::size_t width = 100;
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) width = size.ws_col;
  return {colour, width};
}

std::string Terminal::paint(const char* code, std::string_view text) const {
  if (!colour_) return std::string(text);
  return std::string("\033[") + code + "m" + std::string(text) + "\033[0m";
}

std::string Terminal::status(std::string_view status) const {
  if (status == "running" || status == "starting") return green(status);
  if (status == "waiting_approval") return yellow(status);
  if (status == "error") return red(status);
  if (status == "cancelled") return dim(status);
  return std::string(status);
}

std::string fit(std::string_view text, std::size_t width) {
  if (width == 0) return std::string(text);
  std::size_t chars = 0, cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == width - 1) cut = i;
    if (++chars > width) return std::string(text.substr(0, cut)) + "…";
  }
  return std::string(text);
}

std::string age(std::int64_t then_ms, std::int64_t now_ms) {
  const auto seconds = std::max<std::int64_t>(0, (now_ms - then_ms) / 1000);
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 86400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::string utc_time(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &parts);
  return buffer;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace codex_mcp::cli
