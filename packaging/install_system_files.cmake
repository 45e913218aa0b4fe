# Runs at install time (cmake --install, and cpack's staging install), when the prefix is
# known: installs the systemd unit with the real path of distsyncd, and the config file.
#
# With the prefix /usr (the .deb) they go where Debian 12 expects them, /lib/systemd/system
# and /etc; with any other prefix (/usr/local, a test's temp dir) under the prefix, so an
# install never writes outside it. The config file is never overwritten: a second install
# keeps the admin's edits (the .deb marks it a conffile, packaging/conffiles).
#
# Set by packaging/CMakeLists.txt before this runs: DISTSYNC_PACKAGING_DIR,
# DISTSYNC_EXAMPLE_CONFIG, DISTSYNC_INSTALL_BINDIR.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(etc_dir "/etc")
  set(unit_dir "/lib/systemd/system")
else()
  set(etc_dir "${CMAKE_INSTALL_PREFIX}/etc")
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
if(IS_ABSOLUTE "${DISTSYNC_INSTALL_BINDIR}")
  set(DISTSYNC_BINDIR "${DISTSYNC_INSTALL_BINDIR}")
else()
  set(DISTSYNC_BINDIR "${CMAKE_INSTALL_PREFIX}/${DISTSYNC_INSTALL_BINDIR}")
endif()
set(DISTSYNC_CONFIG_FILE "${etc_dir}/distsync/distsync.toml")
set(destdir "$ENV{DESTDIR}")

set(unit "${destdir}${unit_dir}/distsyncd.service")
message(STATUS "Installing: ${unit}")
configure_file("${DISTSYNC_PACKAGING_DIR}/distsyncd.service.in" "${unit}" @ONLY)
file(CHMOD "${unit}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${unit}")

# The example config, pointed at the service's state and runtime directories.
set(config "${destdir}${DISTSYNC_CONFIG_FILE}")
if(EXISTS "${config}")
  message(STATUS "Keeping: ${config} (exists; not overwritten)")
else()
  message(STATUS "Installing: ${config}")
  file(READ "${DISTSYNC_EXAMPLE_CONFIG}" text)
  string(REPLACE "data_dir = \"./var\"" "data_dir = \"/var/lib/distsync\"" text "${text}")
  string(REPLACE "# run_dir = \"./var/run\"" "run_dir = \"/run/distsync\"" text "${text}")
  string(REPLACE "ipc://./var/run/" "ipc:///run/distsync/" text "${text}")
  if(NOT text MATCHES "data_dir = \"/var/lib/distsync\"" OR
     NOT text MATCHES "\nrun_dir = \"/run/distsync\"")
    message(FATAL_ERROR "distsync.example.toml no longer has the data_dir and run_dir lines "
                        "packaging/install_system_files.cmake rewrites")
  endif()
  file(WRITE "${config}" "${text}")
  file(CHMOD "${config}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${config}")
endif()
