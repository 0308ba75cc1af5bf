// Small file primitives for the state directory: atomic replacement and bounded reads.
// Every file is created 0600 and every directory 0700: session state holds prompts,
// paths and configuration that only the user may read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace codex_mcp::store {

/// open(2) for a file of the state directory: never through a symbolic link (a link
/// planted there could point our writes at any file we may write), never inherited by a
/// child. Returns the descriptor, or -1 with errno set (ELOOP for a link).
int open_state_file(const std::filesystem::path& path, int flags, unsigned mode = 0600);

/// strerror(errno), saying plainly when the file was refused for being a symbolic link.
std::string open_error(int error);

/// Replaces `path` with `content` so that a crash leaves either the old or the new file,
/// never a mix: a temp file beside it, fsync, rename, fsync of the directory. Throws
/// std::system_error (with the path in the message) when any step fails.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// The whole file, or nullopt when it is missing, unreadable or larger than `max_bytes`.
std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           std::size_t max_bytes);

/// Creates `path` (and parents) and makes it 0700; throws std::system_error.
void create_private_directory(const std::filesystem::path& path);

/// Bytes used by the regular files directly inside `dir` (0 when unreadable).
std::uintmax_t directory_bytes(const std::filesystem::path& dir);

}  // namespace codex_mcp::store
