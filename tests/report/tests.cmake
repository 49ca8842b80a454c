# The report (issue 12): figures as data, their placeholders resolved by a renderer, the language
# section's figures from the saturation analyses' files (report_tests, GoogleTest), and every CI
# suite's report.html rendered in headless Chromium with every figure of non-zero size
# (report_in_chromium; skipped, exit 77, without chromium).
saturn_test(report_tests ${CMAKE_CURRENT_LIST_DIR} saturn_harness)
if(TARGET saturn)
  add_test(NAME report_in_chromium COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/chromium_report_test.sh $<TARGET_FILE:saturn>
           ${CMAKE_SOURCE_DIR})
  set_tests_properties(report_in_chromium PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77)
endif()
