# cmake -DSOURCE_DIR=.. -DOUTPUT=.. -DVERSION=.. -P write_version.cmake
set(rev "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE out OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE rc ERROR_QUIET)
  if(rc EQUAL 0 AND out)
    set(rev "${out}")
  endif()
endif()
set(content "#pragma once
// Generated at build time by cmake/write_version.cmake; do not edit.

namespace mpibatch {
inline constexpr const char* kVersion = \"${VERSION}\";
inline constexpr const char* kGitRevision = \"${rev}\";
}  // namespace mpibatch
")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${OUTPUT} "${content}")
endif()
