# lc_add_gtest(<target> LABELS <label>... [TEST_PREFIX <prefix>]
#              [DISCOVERY_TIMEOUT <seconds>])
#
# Registers every test of the GoogleTest binary <target> with ctest, each
# carrying all of LABELS (ctest -L picks any of them).
#
# Why not gtest_discover_tests(... PROPERTIES LABELS "a;b")? It flattens a
# list-valued property into separate arguments, so the second label is taken
# for a property name and lost (CMake 3.25). The discovered names are known
# only when ctest runs, so the labels go into a small script that ctest
# includes right after the discovery script of <target>.
include_guard(GLOBAL)
include(GoogleTest)

# Test code (the gtest binaries' own sources, and the precompiled gtest
# header they share) is compiled without optimisation and with line tables
# only: at -O2 -g those sources took half of a cold build's CPU (a 335-line
# e2e test: 25 s at -O2 -g, 9 s at -O0 -g1). What they test, refrun and the
# libraries, keeps the build type's flags. A Debug build keeps its full -g.
function(lc_test_code_flags target)
  target_compile_options(${target} PRIVATE
    $<$<NOT:$<CONFIG:Debug>>:-O0> $<$<CONFIG:RelWithDebInfo>:-g1>)
endfunction()

function(lc_add_gtest target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TEST_PREFIX;DISCOVERY_TIMEOUT" "LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "lc_add_gtest(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_LABELS)
    message(FATAL_ERROR "lc_add_gtest(${target}): give at least one label")
  endif()
  if(NOT arg_DISCOVERY_TIMEOUT)
    set(arg_DISCOVERY_TIMEOUT 30)
  endif()
  lc_test_code_flags(${target})
  set(prefix_args)
  if(arg_TEST_PREFIX)
    set(prefix_args TEST_PREFIX ${arg_TEST_PREFIX})
  endif()
  set(list_var ${target}_discovered_tests)
  gtest_discover_tests(${target} ${prefix_args} TEST_LIST ${list_var}
                       DISCOVERY_TIMEOUT ${arg_DISCOVERY_TIMEOUT})
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
  file(WRITE ${script}
    "if(${list_var})\n"
    "  set_tests_properties(\${${list_var}} PROPERTIES LABELS \"${arg_LABELS}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()
