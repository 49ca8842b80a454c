# The Bhattamishra et al. 2020 protocol's CI suite through the CLI (docs/bhattamishra2020.md).
if(TARGET saturn)
  add_test(NAME bhattamishra2020_ci_suite COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bhattamishra_suite_test.sh $<TARGET_FILE:saturn>
           ${CMAKE_SOURCE_DIR}/tasks.yaml)
  set_tests_properties(bhattamishra2020_ci_suite PROPERTIES TIMEOUT ${SATURN_SUITE_TEST_TIMEOUT})
endif()
