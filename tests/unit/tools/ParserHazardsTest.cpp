// findParserHazard: the malformed lists that crash MLIR 22's linalg parsers are found
// (tests/lit/Tools/dlc-opt-parser-hazards.test checks that mlir-opt does crash on them),
// and nothing else is: valid ops, other ops' attributes, comments and strings.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <string>

#include "tools/dlc-opt/ParserHazards.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace {

std::string transpose(const std::string &list) {
  return "%t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = " + list;
}

// The offset of the hazard in `text`, or -1 when there is none.
long hazardAt(const std::string &text) {
  std::optional<dlc::ParserHazard> hazard = dlc::findParserHazard(text);
  return hazard ? static_cast<long>(hazard->offset) : -1;
}

} // namespace

TEST_CASE("well-formed lists are not hazards", "[parser-hazards]") {
  for (const char *list : {"[1, 0]", "[]", "[ 1 ,0 ]", "[-1, 2]", "[0x1F, 0]", "[9223372036854775807]",
                           "[-9223372036854775808]", "[0x7fffffffffffffff]", "[1, // c\n 0]"}) {
    INFO(list);
    CHECK(hazardAt(transpose(list)) == -1);
  }
  CHECK(hazardAt("linalg.broadcast ins(%v : tensor<3xf32>) outs(%b : tensor<2x3xf32>) dimensions = [0]") == -1);
  CHECK(hazardAt("linalg.reduce { arith.addf {fastmath = #arith.fastmath<fast>} } ins(%x : tensor<2x3xf32>) "
                 "outs(%s : tensor<2xf32>) dimensions = [1] (%a: f32) {}") == -1);
}

TEST_CASE("malformed lists are hazards, located at what is wrong", "[parser-hazards]") {
  const std::string prefix = transpose("");
  struct Case {
    const char *list;
    long at; // offset within the list
  };
  for (Case c : {Case{"[1, ,]", 4}, Case{"1, 0", 0}, Case{"[1 0]", 3}, Case{"[1, 0", 5},
                 Case{"[1.0]", 1}, Case{"[1e3]", 1}, Case{"[0x]", 1}, Case{"[a]", 1}, Case{"[-]", 2},
                 Case{"[9223372036854775808]", 1}, Case{"[-9223372036854775809]", 1},
                 Case{"[0x8000000000000000]", 1}, Case{"[\"1\"]", 1}, Case{"", 0}}) {
    INFO(c.list);
    CHECK(hazardAt(prefix + c.list) == static_cast<long>(prefix.size()) + c.at);
  }
  std::optional<dlc::ParserHazard> hazard = dlc::findParserHazard(transpose("[1, ,]"));
  REQUIRE(hazard);
  CHECK(hazard->message ==
        "custom op 'linalg.transpose': malformed `permutation` list: expected an integer; "
        "expected `permutation = [` integers `]`");
  CHECK(hazardAt("linalg.broadcast ins(%v : tensor<3xf32>) outs(%b : tensor<2x3xf32>) dimensions = [x]") > 0);
  CHECK(hazardAt("linalg.reduce { arith.addf } ins(%x : tensor<2x3xf32>) outs(%s : tensor<2xf32>) "
                 "dimensions = [1,]") > 0);
  // Without ins/outs the parser goes straight to the keyword.
  CHECK(hazardAt("linalg.transpose permutation = [,]") > 0);
  // The first of several.
  std::string two = "func.func @f() {\n" + transpose("[1, 0]") + "\n" + transpose("[0 1]") + "\n}";
  CHECK(hazardAt(two) == static_cast<long>(two.rfind("1]")));
}

TEST_CASE("tokens read as MLIR's lexer reads them", "[parser-hazards]") {
  // NUL and '\r' are white space; a comment ends at '\r'.
  CHECK(hazardAt(std::string("linalg.transpose ins(%x : t) outs(%e : t)\0\0 permutation = [1 0]", 63)) > 0);
  CHECK(hazardAt("linalg.transpose ins(%x : t) outs(%e : t) // c\rpermutation = [1 0]") > 0);
  // An op name right after a number or a numbered value name is a token of its own.
  CHECK(hazardAt("%c = index.constant 42linalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") > 0);
  CHECK(hazardAt("%0linalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") > 0);
  CHECK(hazardAt("0x1Flinalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") > 0);
  // ... but not after a named value, whose name may hold '-' and '.'.
  CHECK(hazardAt("%a-linalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") == -1);
  // A string the lexer refuses (a line break, an unknown escape) ends the parse there.
  CHECK(hazardAt("\"a\nb\" " + transpose("[x]")) == -1);
  CHECK(hazardAt("\"a\\qb\" " + transpose("[x]")) == -1);
  CHECK(hazardAt("\"a\\\"\\41\\n\" " + transpose("[x]")) > 0);
}

TEST_CASE("text the hazardous parsers never see", "[parser-hazards]") {
  // Another op's attribute of the same name, comments, strings, generic form, other names.
  CHECK(hazardAt("%0 = \"test.op\"() {dimensions = [0 : i64, \"x\"]} : () -> ()") == -1);
  CHECK(hazardAt("// " + transpose("[1, ,]")) == -1);
  CHECK(hazardAt("%0 = \"test.op\"() {note = \"" + transpose("[x]") + "\"} : () -> ()") == -1);
  CHECK(hazardAt("\"linalg.transpose\"(%x, %e) <{permutation = array<i64: 1, 0>}> : () -> ()") == -1);
  CHECK(hazardAt("%t = linalg.transposed ins(%x : t) outs(%e : t) permutation = [x]") == -1);
  CHECK(hazardAt("%t = my.linalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") == -1);
  CHECK(hazardAt("^linalg.transpose ins(%x : t) outs(%e : t) permutation = [x]") == -1);
  // The parser fails before the list: in the ins group, or at a missing `=`.
  CHECK(hazardAt("linalg.transpose ins(%x : tensor<2x3xf32> outs(%e) permutation = [x]") == -1);
  CHECK(hazardAt("linalg.transpose ins %x outs(%e : t) permutation = [x]") == -1);
  CHECK(hazardAt("linalg.transpose ins(%x : t) outs(%e : t) permutation [x]") == -1);
  CHECK(hazardAt("linalg.transpose ins(%x : t) outs(%e : t) dimensions = [x]") == -1);
  // Parentheses inside a string of the ins group are not counted.
  CHECK(hazardAt("linalg.transpose ins(%x : !t<\")\">) outs(%e : t) permutation = [x]") > 0);
  // Unterminated string or group, and the empty text.
  CHECK(hazardAt("linalg.transpose ins(\"x") == -1);
  CHECK(hazardAt("linalg.transpose ins((") == -1);
  CHECK(hazardAt("") == -1);
}

TEST_CASE("checkParserHazards reports the file, line and column", "[parser-hazards]") {
  std::string text = "func.func @f() {\n  " + transpose("[1, ,]") + "\n}\n";
  std::unique_ptr<llvm::MemoryBuffer> buffer = llvm::MemoryBuffer::getMemBuffer(text, "in.mlir");
  std::string out;
  llvm::raw_string_ostream os(out);
  CHECK(llvm::failed(dlc::checkParserHazards(*buffer, os)));
  long column = static_cast<long>(transpose("[1, ").size()) + 3;
  CHECK(out.rfind("in.mlir:2:" + std::to_string(column) + ": error: custom op 'linalg.transpose'", 0) == 0);
  std::string clean;
  llvm::raw_string_ostream cleanOs(clean);
  std::unique_ptr<llvm::MemoryBuffer> ok = llvm::MemoryBuffer::getMemBuffer(transpose("[1, 0]"), "ok.mlir");
  CHECK(llvm::succeeded(dlc::checkParserHazards(*ok, cleanOs)));
  CHECK(clean.empty());
}
