# srtgw_warnings(target): the warning set every srtgw target compiles with.
add_library(srtgw_warnings INTERFACE)
target_compile_options(srtgw_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(SRTGW_WERROR)
  target_compile_options(srtgw_warnings INTERFACE -Werror)
endif()
