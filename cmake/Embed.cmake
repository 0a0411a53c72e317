# ponte_embed(OUTPUT <file.cpp> HEADER <include path> NAMESPACE <ns> BASE_DIR <dir> FILES ...)
# Generates a .cpp defining `std::span<const EmbeddedFile> embedded_files()`
# in namespace <ns>, with each file's path relative to BASE_DIR and its bytes.
# The files are build inputs: editing one regenerates the .cpp.
function(ponte_embed)
  cmake_parse_arguments(E "" "OUTPUT;HEADER;NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DHEADER=${E_HEADER}
            -DNAMESPACE=${E_NAMESPACE} -DBASE_DIR=${E_BASE_DIR}
            "-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${E_NAMESPACE} files"
    VERBATIM)
endfunction()
