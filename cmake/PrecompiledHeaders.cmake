# lc_use_pch(<kind> <target>...): the targets' sources are compiled with a
# precompiled header shared by every target of that kind.
#
#   test  <gtest/gtest.h>         GoogleTest binaries
#   json  <nlohmann/json.hpp>     libraries most of whose sources read JSON
#
# Why: a cold build (CI: 2 cores, empty ccache) parses these headers once
# per source file, about 2-3 s of CPU each at -O2 -g; loading a precompiled
# one costs 0.5-1 s. Each kind is built once, by a small anchor target
# (lc_pch_<kind>), and reused (REUSE_FROM), not rebuilt per target: with -g
# one is ~100 MB. The header is included before every source of the
# target (-include); the sources still include what they use, so a build
# with -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON compiles the same code.
#
# A reused header is only valid when the compiler flags match; CMake adds
# -Winvalid-pch, so with -Werror a mismatch fails the build instead of
# silently parsing the header again. The anchors take the same definitions
# as the targets (GTest's GTEST_HAS_PTHREAD through linking GTest).
# Definitions only some targets add (REFRUN_VERSION, TESTDATA_DIR, ...)
# do not matter: the headers do not use them.
#
# ccache and precompiled headers: ccache needs sloppiness pch_defines and
# time_macros to cache such compiles (CMakeLists.txt sets it for the
# launcher), and it caches the header itself, so a second build gets the
# same header bytes and its sources hit.
include_guard(GLOBAL)

function(lc_pch_anchor kind)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "HEADERS;LIBS")
  set(src ${CMAKE_BINARY_DIR}/pch/lc_pch_${kind}.cpp)
  file(CONFIGURE OUTPUT ${src} CONTENT "// Anchor of the '${kind}' precompiled header (cmake/PrecompiledHeaders.cmake).\n")
  add_library(lc_pch_${kind} OBJECT ${src})
  target_link_libraries(lc_pch_${kind} PRIVATE ${arg_LIBS})
  target_precompile_headers(lc_pch_${kind} PRIVATE ${arg_HEADERS})
endfunction()

if(BUILD_TESTING)  # without the tests there is no GoogleTest to precompile
  lc_pch_anchor(test HEADERS <gtest/gtest.h> LIBS GTest::gtest)
  include(LaunchcheckTesting)
  lc_test_code_flags(lc_pch_test)  # the flags of the code that loads it
endif()
lc_pch_anchor(json HEADERS <nlohmann/json.hpp> LIBS nlohmann_json::nlohmann_json)

function(lc_use_pch kind)
  if(NOT TARGET lc_pch_${kind})
    message(FATAL_ERROR "lc_use_pch: no precompiled header of kind '${kind}' (test, json)")
  endif()
  foreach(target ${ARGN})
    target_precompile_headers(${target} REUSE_FROM lc_pch_${kind})
  endforeach()
endfunction()
