# lc_boost_beast: an INTERFACE target for Boost.Beast's HTTP parser and
# serializer (header-only, from the same Debian libboost1.81-dev that
# BoostProcess.cmake finds). Only refrun's etcd backend uses it
# (launcher/rendezvous/etcd/http_connection.cpp): Beast parses and
# serializes; refrun's own epoll loop owns the socket, so no asio
# io_context runs (launcher/ETCD.md says why).
include_guard(GLOBAL)
include(BoostProcess)  # the Boost 1.81 shim directory, lc_boost_shim

include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_INCLUDES ${lc_boost_shim})
check_cxx_source_compiles([[
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
int main() {
  boost::beast::http::response_parser<boost::beast::http::string_body> p;
  p.body_limit(1024);
  return 0;
}
]] LC_BOOST_181_BEAST)
unset(CMAKE_REQUIRED_INCLUDES)
if(NOT LC_BOOST_181_BEAST)
  message(FATAL_ERROR
    "Boost.Beast's HTTP headers do not compile from ${lc_boost_shim} "
    "(see CMakeFiles/CMakeError.log); install libboost1.81-dev.")
endif()

add_library(lc_boost_beast INTERFACE)
target_include_directories(lc_boost_beast SYSTEM INTERFACE ${lc_boost_shim})
target_link_libraries(lc_boost_beast INTERFACE Threads::Threads)
