# The saturn Python package's pytest suite (docs/python.md): one ctest test per test file, run by
# Debian's interpreter with python/ and <build>/python on PYTHONPATH (as scripts/build.sh's .pth
# file does after installation) and the CLI named for the tests that compare with it.
if(TARGET _saturn AND TARGET saturn)
  file(GLOB python_test_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_*.py)
  foreach(f ${python_test_files})
    get_filename_component(stem ${f} NAME_WE)
    add_test(NAME python.${stem}
             COMMAND ${SATURN_PYTHON} -m pytest -q -p no:cacheprovider --rootdir=${CMAKE_CURRENT_LIST_DIR} ${f}
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(python.${stem} PROPERTIES TIMEOUT 600
      ENVIRONMENT "PYTHONPATH=${SATURN_PYTHON_PATH};SATURN_BIN=$<TARGET_FILE:saturn>;SATURN_SOURCE_DIR=${CMAKE_SOURCE_DIR};PYTHONDONTWRITEBYTECODE=1")
  endforeach()
endif()
