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
