# `cmake --install` and CPack: the portable binary as bin/codex-mcp, its man page, the
# license and the docs, in the usual places (GNUInstallDirs); `cpack -G DEB` makes the .deb.
include(GNUInstallDirs)

# The man page is generated from --help by help2man (Debian: help2man), when present.
find_program(HELP2MAN_EXECUTABLE help2man)
if(HELP2MAN_EXECUTABLE)
  set(CODEX_MCP_MAN_PAGE ${CMAKE_BINARY_DIR}/codex-mcp.1)
  add_custom_command(OUTPUT ${CODEX_MCP_MAN_PAGE} ${CODEX_MCP_MAN_PAGE}.gz
    COMMAND ${HELP2MAN_EXECUTABLE} --no-info --section=1
      --name "MCP server that runs OpenAI Codex agents in the background"
      --include ${PROJECT_SOURCE_DIR}/docs/codex-mcp.h2m
      --output ${CODEX_MCP_MAN_PAGE} $<TARGET_FILE:codex-mcp-portable>
    COMMAND gzip -9 -n -f -k ${CODEX_MCP_MAN_PAGE}
    DEPENDS codex-mcp-portable ${PROJECT_SOURCE_DIR}/docs/codex-mcp.h2m
    COMMENT "Generating the codex-mcp(1) man page with help2man"
    VERBATIM)
  add_custom_target(codex-mcp-man ALL DEPENDS ${CODEX_MCP_MAN_PAGE})
  install(FILES ${CODEX_MCP_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man page (apt-get install help2man)")
endif()

install(PROGRAMS $<TARGET_FILE:codex-mcp-portable> DESTINATION ${CMAKE_INSTALL_BINDIR}
  RENAME codex-mcp)
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/architecture.md docs/state.md docs/tools.md docs/porting.md docs/releasing.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(CPACK_PACKAGE_NAME codex-mcp)
set(CPACK_PACKAGE_VENDOR "codex-mcp maintainers")
set(CPACK_PACKAGE_CONTACT "codex-mcp maintainers <maintainers@users.noreply.h-seed-9e8cd06b.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "codex-mcp is a stdio MCP server that lets MCP clients (Claude Code, Claude Desktop,\n"
  "Cursor, MCP Inspector) run OpenAI Codex sessions in the background through five tools,\n"
  "and shows those sessions in the terminal (codex-mcp sessions, show, tail, doctor).\n"
  "It needs the codex CLI (npm install -g @openai/codex) at run time.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_FILE_NAME "codex-mcp_${PROJECT_VERSION}_amd64")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The binary is fully static: it depends on nothing, not even libc6.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs, npm")
set(CPACK_STRIP_FILES OFF)  # already stripped at link time
include(CPack)
