# Hostile programs against the verdict-box CLI, plus the library's host side
# (read-back, cleaning, concurrent slots). Needs root; exits 77 (skipped)
# without it.
add_test(NAME sandbox_hostile
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/sandbox/run_hostile.sh $<TARGET_FILE:verdict-box>)
set_tests_properties(sandbox_hostile PROPERTIES
  TIMEOUT 300
  SKIP_RETURN_CODE 77
  LABELS sandbox)
