# Generates include/mpibatch/version.h with the project version and the git revision, at
# every build (not only at configure time), rewriting it only when the revision changed.
add_custom_target(mpibatch_version
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${PROJECT_BINARY_DIR}/include/mpibatch/version.h
          -DVERSION=${PROJECT_VERSION}
          -P ${PROJECT_SOURCE_DIR}/cmake/write_version.cmake
  BYPRODUCTS ${PROJECT_BINARY_DIR}/include/mpibatch/version.h
  COMMENT "Checking git revision")
