# cmake -DPROGRAM=exe -DMAN=out.1.gz -DCOMPLETION=out -P generate_manual.cmake
# Writes the man page (gzip -9n: no name or time stamp, so the output is reproducible) and the
# bash completion that PROGRAM prints from its own command tree.
get_filename_component(man_dir ${MAN} DIRECTORY)
get_filename_component(completion_dir ${COMPLETION} DIRECTORY)
file(MAKE_DIRECTORY ${man_dir} ${completion_dir})
string(REGEX REPLACE "\\.gz$" "" roff ${MAN})
execute_process(COMMAND ${PROGRAM} --man-page OUTPUT_FILE ${roff} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --man-page failed: ${rc}")
endif()
execute_process(COMMAND gzip -9nf ${roff} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${roff} failed: ${rc}")
endif()
execute_process(COMMAND ${PROGRAM} --bash-completion OUTPUT_FILE ${COMPLETION} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --bash-completion failed: ${rc}")
endif()
