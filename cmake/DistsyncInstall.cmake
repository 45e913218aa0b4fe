# How an executable joins the install (ARCHITECTURE.md, "Installing"): in its folder's
# CMakeLists,
#
#   install(TARGETS distsync-foo RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
#   distsync_install_manual(distsync-foo)
#
# distsync_install_manual(TARGET) runs the built executable with the hidden --man-page and
# --bash-completion flags (daemon/cli/program_flags.h) and installs what they print:
# share/man/man1/TARGET.1.gz and share/bash-completion/completions/TARGET. The executable must
# call add_program_flags(app, "TARGET") after adding its options.
include(GNUInstallDirs)

function(distsync_install_manual target)
  set(dir ${PROJECT_BINARY_DIR}/manual)
  set(man ${dir}/man1/${target}.1.gz)
  set(completion ${dir}/completions/${target})
  add_custom_command(
    OUTPUT ${man} ${completion}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> -DMAN=${man}
            -DCOMPLETION=${completion} -P ${PROJECT_SOURCE_DIR}/cmake/generate_manual.cmake
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/cmake/generate_manual.cmake
    COMMENT "Generating the man page and bash completion of ${target}"
    VERBATIM)
  add_custom_target(${target}-manual ALL DEPENDS ${man} ${completion})
  install(FILES ${man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endfunction()

# cpack runs the "preinstall" target before it packages; without this it would first build
# everything out of date, e.g. inside the package test while the suite runs. `cmake --install`
# never builds either way: build first, then install or package.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
