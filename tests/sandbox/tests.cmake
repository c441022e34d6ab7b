# Hostile programs against the verdict-box CLI, plus the library's host side
# (read-back, cleaning, concurrent slots). Needs root; exits 77 (skipped)
# without it.
add_test(NAME sandbox_hostile
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/sandbox/run_hostile.sh $<TARGET_FILE:verdict-box>)
set_tests_properties(sandbox_hostile PROPERTIES
  TIMEOUT 300
  SKIP_RETURN_CODE 77
  LABELS sandbox)

# A sanitized build runs a box's init on a copy of the launcher's memory
# (the sanitizer runtimes take locks a shared copy could leave held); the
# production build shares it. The same suite then also runs on a plain
# verdict-box, so that both ways are tested in every build.
if(VERDICT_SANITIZE)
  list(TRANSFORM VBOX_SOURCES PREPEND ${CMAKE_SOURCE_DIR}/ OUTPUT_VARIABLE box_plain_sources)
  add_executable(verdict-box-plain
    ${CMAKE_SOURCE_DIR}/sandbox/box_main.c ${box_plain_sources} ${CMAKE_SOURCE_DIR}/common/log.c)
  target_include_directories(verdict-box-plain PRIVATE ${CMAKE_SOURCE_DIR}/sandbox ${CMAKE_SOURCE_DIR}/common)
  target_compile_options(verdict-box-plain PRIVATE -fno-sanitize=all)
  target_link_options(verdict-box-plain PRIVATE -fno-sanitize=all)
  target_link_libraries(verdict-box-plain PRIVATE PkgConfig::JSONC PkgConfig::SECCOMP)
  add_test(NAME sandbox_hostile_plain
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/sandbox/run_hostile.sh $<TARGET_FILE:verdict-box-plain>)
  set_tests_properties(sandbox_hostile_plain PROPERTIES
    TIMEOUT 300
    SKIP_RETURN_CODE 77
    LABELS sandbox)
endif()
