# lc_boost_process: an INTERFACE target for Boost.Process v2, header-only,
# from Debian's libboost1.81-dev (scripts/install-deps.sh installs it).
#
# 1.81 exactly: Process v2 first shipped in 1.80 and its API and bugs move
# between releases (common/README.md lists the 1.81 ones common/ works
# around). The headers are reached through a link in the build tree, given
# with -isystem, so an older or newer boost/ in /usr/local/include (searched
# before /usr/include) cannot shadow them; a compile check proves which
# version the compiler actually sees.
include_guard(GLOBAL)

find_package(Boost 1.81.0 EXACT CONFIG QUIET COMPONENTS headers)
if(NOT Boost_FOUND)
  message(FATAL_ERROR
    "Boost 1.81 not found (common/ needs its Process v2 headers): install "
    "libboost1.81-dev (scripts/install-deps.sh does; it replaces libboost1.74-dev).")
endif()
get_target_property(lc_boost_include Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
list(GET lc_boost_include 0 lc_boost_include)
set(lc_boost_shim ${CMAKE_BINARY_DIR}/boost-${Boost_VERSION})
file(MAKE_DIRECTORY ${lc_boost_shim})
file(CREATE_LINK ${lc_boost_include}/boost ${lc_boost_shim}/boost SYMBOLIC)

include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_INCLUDES ${lc_boost_shim})
set(CMAKE_REQUIRED_DEFINITIONS -DBOOST_PROCESS_V2_HEADER_ONLY=1)
check_cxx_source_compiles([[
#include <boost/version.hpp>
static_assert(BOOST_VERSION / 100 == 1081, "not Boost 1.81");
#include <boost/process/v2/posix/vfork_launcher.hpp>
int main() { return 0; }
]] LC_BOOST_181_PROCESS_V2)
unset(CMAKE_REQUIRED_INCLUDES)
unset(CMAKE_REQUIRED_DEFINITIONS)
if(NOT LC_BOOST_181_PROCESS_V2)
  message(FATAL_ERROR
    "The Boost headers under ${lc_boost_include} are not Boost 1.81 with Process v2 "
    "(see CMakeFiles/CMakeError.log); install libboost1.81-dev.")
endif()

add_library(lc_boost_process INTERFACE)
target_include_directories(lc_boost_process SYSTEM INTERFACE ${lc_boost_shim})
# Header-only Process v2; BOOST_PROCESS_USE_STD_FS must stay undefined: with
# 1.81 it does not compile.
target_compile_definitions(lc_boost_process INTERFACE BOOST_PROCESS_V2_HEADER_ONLY=1)
target_link_libraries(lc_boost_process INTERFACE Threads::Threads)
