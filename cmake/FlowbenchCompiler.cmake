# Warnings and code generation shared by every Flowbench target.
add_library(flowbench_options INTERFACE)
target_compile_options(flowbench_options INTERFACE
    -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wno-missing-field-initializers
    $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
target_compile_definitions(flowbench_options INTERFACE
    QT_NO_KEYWORDS
    QT_USE_QSTRINGBUILDER
    FLOWBENCH_VERSION="${PROJECT_VERSION}")

# Portable code generation: a .deb must run on any x86-64 machine, so no -march=native.
# Hot loops get their speed from Eigen's vectorisation and OpenBLAS's run-time kernel choice.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    option(FLOWBENCH_NATIVE "Tune for this machine (-march=native); not for packages" OFF)
    if(FLOWBENCH_NATIVE)
        target_compile_options(flowbench_options INTERFACE -march=native)
    endif()
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# Sanitizer builds (presets asan, tsan) set FLOWBENCH_SANITIZE.
set(FLOWBENCH_SANITIZE "" CACHE STRING "Sanitizers: address,undefined | thread | empty")
if(FLOWBENCH_SANITIZE)
    target_compile_options(flowbench_options INTERFACE -fsanitize=${FLOWBENCH_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(flowbench_options INTERFACE -fsanitize=${FLOWBENCH_SANITIZE})
    # A UBSan report must fail the test that triggered it, not scroll past in its output.
    if(FLOWBENCH_SANITIZE MATCHES "undefined")
        target_compile_options(flowbench_options INTERFACE -fno-sanitize-recover=all)
        target_link_options(flowbench_options INTERFACE -fno-sanitize-recover=all)
    endif()
endif()

# Flowbench's own libraries (flowbench_ml, _core, _serve, _ui) are shared by default: statically
# linked, each of the ~60 test and bench executables carried its own copy of them and of their
# debug info (~150 MB apiece, >10 GB per build tree, which filled the CI machine's disk), and
# every link took seconds. The release package (scripts/package.sh) links them statically.
# Installed shared, they go to a private directory (lib/flowbench) found through RUNPATH.
option(FLOWBENCH_SHARED_LIBS "Build Flowbench's libraries as shared libraries" ON)
set(FLOWBENCH_PRIVATE_LIBDIR "${CMAKE_INSTALL_LIBDIR}/flowbench")
if(FLOWBENCH_SHARED_LIBS)
    # Executables find the private libraries relative to themselves wherever the tree lands.
    set(CMAKE_INSTALL_RPATH "$ORIGIN/../${FLOWBENCH_PRIVATE_LIBDIR}")
endif()

function(flowbench_add_library name)
    if(FLOWBENCH_SHARED_LIBS)
        add_library(${name} SHARED ${ARGN})
        set_target_properties(${name} PROPERTIES INSTALL_RPATH "$ORIGIN")
        install(TARGETS ${name} LIBRARY DESTINATION "${FLOWBENCH_PRIVATE_LIBDIR}" NAMELINK_SKIP)
    else()
        add_library(${name} STATIC ${ARGN})
    endif()
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
