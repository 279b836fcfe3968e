# ASan + UBSan for the debug/sanitize preset: `cmake -DSRTGW_SANITIZE=ON`.
if(SRTGW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
