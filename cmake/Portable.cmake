# codex-mcp-portable: the release binary. The same objects as build/codex-mcp, linked fully
# static (glibc, libstdc++, libgcc, Boost.Filesystem) and stripped, so it runs on any
# x86_64 Linux kernel with nothing installed. Static glibc is sound here because the code
# makes no NSS call (no getpwnam/getpwuid/getaddrinfo: the home directory comes from $HOME)
# and loads nothing with dlopen; the link fails if that ever changes (see below).
add_executable(codex-mcp-portable src/main.cpp)
target_link_libraries(codex-mcp-portable PRIVATE codex_mcp_core)
codex_mcp_set_warnings(codex-mcp-portable)
target_link_options(codex-mcp-portable PRIVATE -static -s
  # glibc warns "Using 'getpwnam' in statically linked applications requires at runtime the
  # shared libraries from the glibc version used for linking": make that an error.
  -Wl,--fatal-warnings)
set_target_properties(codex-mcp-portable PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
