# Turns a text file into a C++ source defining `std::string_view NAME()`.
# Usage: cmake -DINPUT=... -DOUTPUT=... -DSYMBOL=... -P EmbedFile.cmake
file(READ "${INPUT}" content)
# Raw string literals have a length limit per literal in some compilers; split into
# 16 KiB pieces that the compiler concatenates.
string(LENGTH "${content}" total)
set(pieces "")
set(offset 0)
while(offset LESS total)
  string(SUBSTRING "${content}" ${offset} 16000 piece)
  string(APPEND pieces "R\"mcpembed(${piece})mcpembed\"\n")
  math(EXPR offset "${offset} + 16000")
endwhile()
file(WRITE "${OUTPUT}" "#include <string_view>\nnamespace mcp::embedded {\nstd::string_view ${SYMBOL}() {\n  static constexpr const char kText[] =\n${pieces};\n  return {kText, sizeof(kText) - 1};\n}\n}  // namespace mcp::embedded\n")
