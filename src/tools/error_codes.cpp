#include "codex_mcp/tools/error_codes.hpp"

namespace codex_mcp::tools {

std::string error_code(session::ErrorKind kind) {
  using session::ErrorKind;
  switch (kind) {
    case ErrorKind::busy:
      return "SESSION_BUSY";
    case ErrorKind::not_found:
      return "SESSION_NOT_FOUND";
    case ErrorKind::request_not_found:
      return "REQUEST_NOT_FOUND";
    case ErrorKind::not_running:
      return "SESSION_NOT_RUNNING";
    case ErrorKind::invalid:
      return "INVALID_ARGUMENT";
    case ErrorKind::codex_unavailable:
      return "CODEX_NOT_FOUND";
    case ErrorKind::codex_error:
      return "CODEX_ERROR";
    case ErrorKind::unsupported:
      return "EXEC_NOT_SUPPORTED";
    case ErrorKind::cancelled:
      return "CANCELLED";
    case ErrorKind::timeout:
      return "TIMEOUT";
    case ErrorKind::internal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace codex_mcp::tools
