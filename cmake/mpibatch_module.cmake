# Shared build rules: warnings as an INTERFACE target, one library per module.

add_library(mpibatch_warnings INTERFACE)
add_library(mpibatch::warnings ALIAS mpibatch_warnings)
target_compile_options(mpibatch_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor>)

# mpibatch_module(NAME [DEPS target...] [PRIVATE_DEPS target...])
# Builds every src/<NAME>/*.cpp into mpibatch_<NAME>, aliased mpibatch::<NAME>.
# Public headers live in include/mpibatch/<NAME>/; private headers beside the sources.
function(mpibatch_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(mpibatch_${name} STATIC ${sources})
  add_library(mpibatch::${name} ALIAS mpibatch_${name})
  target_include_directories(mpibatch_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(mpibatch_${name} PUBLIC ${ARG_DEPS}
                        PRIVATE mpibatch::warnings ${ARG_PRIVATE_DEPS})
  set_target_properties(mpibatch_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
