# ctest's `layering` test (cmake -P): the source tree keeps its layers.
#   common/   includes only "common/..." of ours (nothing of launcher/, harness/);
#   launcher/ never includes harness/, harness/ never launcher/;
#   nobody climbs out of its folder with "../".
# The include paths already make most violations fail to compile; this
# catches the rest (relative paths) and names the file and line.
# Usage: cmake -DROOT=<source dir> -P CheckLayering.cmake
set(violations "")
function(check folder regex why)
  file(GLOB_RECURSE files ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cpp)
  foreach(f ${files})
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${lines})
      if(line MATCHES "${regex}")
        file(RELATIVE_PATH rel ${ROOT} ${f})
        string(STRIP "${line}" line)
        set(violations "${violations}\n  ${rel}: ${line} (${why})")
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

check(common "#[ \t]*include[ \t]*\"([^c]|c[^o]|co[^m]|com[^m]|comm[^o]|commo[^n]|common[^/])"
      "common/ includes only common/")
check(launcher "include[ \t]*\"(harness/|\\.\\./)" "launcher/ must not reach harness/ or climb out")
check(harness "include[ \t]*\"(launcher/|\\.\\./)" "harness/ must not reach launcher/ or climb out")
if(violations)
  message(FATAL_ERROR "layering violations:${violations}")
endif()
message(STATUS "layering: common/, launcher/ and harness/ keep their layers")
