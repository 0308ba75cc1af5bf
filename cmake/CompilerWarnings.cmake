# Warnings on for every target of ours; -Werror when CODEX_MCP_WERROR is set (CI sets it).
function(codex_mcp_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(CODEX_MCP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
