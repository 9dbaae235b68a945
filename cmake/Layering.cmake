# flowbench_check_layer(<target> DIR <dir> FORBID <regex> REASON <text> [EXCLUDE <regex>])
# Adds a build step that scans every source under DIR for includes matching FORBID and
# fails the build naming file and line. Linking alone cannot enforce this: Qt's base include
# directory comes with Qt6::Core, so <QtWidgets/QWidget> would otherwise compile in core/.
function(flowbench_check_layer target)
    cmake_parse_arguments(ARG "" "DIR;FORBID;REASON;EXCLUDE" "" ${ARGN})
    set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${target}_layering.stamp")
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${ARG_DIR}/*.h" "${ARG_DIR}/*.cpp")
    add_custom_command(OUTPUT "${stamp}"
        COMMAND ${CMAKE_COMMAND} "-DDIR=${ARG_DIR}" "-DFORBID=${ARG_FORBID}"
                "-DREASON=${ARG_REASON}" "-DSTAMP=${stamp}" "-DEXCLUDE=${ARG_EXCLUDE}"
                -P "${PROJECT_SOURCE_DIR}/cmake/CheckLayering.cmake"
        DEPENDS ${sources} "${PROJECT_SOURCE_DIR}/cmake/CheckLayering.cmake"
        COMMENT "Checking layering of ${target}"
        VERBATIM)
    add_custom_target(${target}_layering DEPENDS "${stamp}")
    add_dependencies(${target} ${target}_layering)
endfunction()
