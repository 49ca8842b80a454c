# Faults, bounds and documented command lines through the CLI (issues 15 and 12): kill-anywhere
# resume of `saturn train`; a full and a read-only output folder (skipped, exit 77, where the test
# cannot mount); every command line of the README, and docs/harness.md's sbatch array script.
if(TARGET saturn)
  add_test(NAME faults_kill_resume COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/kill_resume_test.sh $<TARGET_FILE:saturn>)
  add_test(NAME faults_full_and_read_only_disk COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/disk_faults_test.sh $<TARGET_FILE:saturn>)
  add_test(NAME readme_examples COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/readme_examples_test.sh ${CMAKE_BINARY_DIR}
           ${CMAKE_SOURCE_DIR})
  add_test(NAME docs_slurm_array COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/slurm_array_test.sh ${CMAKE_BINARY_DIR}
           ${CMAKE_SOURCE_DIR})
  set_tests_properties(faults_kill_resume docs_slurm_array PROPERTIES TIMEOUT ${SATURN_SUITE_TEST_TIMEOUT})
  set_tests_properties(faults_full_and_read_only_disk PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
  set_tests_properties(readme_examples PROPERTIES TIMEOUT 2400)
endif()
