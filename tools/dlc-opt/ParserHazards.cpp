#include "tools/dlc-opt/ParserHazards.h"

#include <cstdint>
#include <memory>

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace dlc {
namespace {

// The characters of an MLIR bare identifier after its first.
bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.'; }

// Ops whose custom parser reads `KEYWORD = [int, ...]` after `ins(...) outs(...)` and
// dereferences the list's attribute unchecked.
struct HazardousOp {
  llvm::StringRef name;
  llvm::StringRef keyword;
  bool payloadBraces; // `{op-name attr-dict}` may follow the name
};
constexpr HazardousOp kHazardousOps[] = {
    {"linalg.transpose", "permutation", false},
    {"linalg.broadcast", "dimensions", false},
    {"linalg.reduce", "dimensions", true},
};

// A cursor over the text that reads tokens as MLIR's lexer (mlir/lib/AsmParser/Lexer.cpp)
// does, as far as it matters here: what is trivia, where a string, a number or an
// identifier ends. A differing opinion would hide a crashing list behind a token that the
// lexer reads differently (`42linalg.transpose` is two tokens; a NUL is white space).
class Cursor {
public:
  explicit Cursor(llvm::StringRef text, size_t pos = 0) : text(text), pos(pos) {}

  size_t offset() const { return pos; }
  bool atEnd() const { return pos >= text.size(); }
  char peek(size_t ahead = 0) const { return pos + ahead < text.size() ? text[pos + ahead] : '\0'; }

  // White space is ' ', '\t', '\n', '\r' and NUL; a comment runs from `//` to '\n' or '\r'.
  void skipTrivia() {
    while (!atEnd()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0') {
        ++pos;
      } else if (c == '/' && peek(1) == '/') {
        while (!atEnd() && peek() != '\n' && peek() != '\r')
          ++pos;
      } else {
        return;
      }
    }
  }

  // Past the string literal that starts at the cursor; false where the lexer reports an
  // error in it (a line break, an unknown escape, the end of the text), and the parse ends.
  bool skipString() {
    for (++pos; !atEnd(); ++pos) {
      char c = peek();
      if (c == '"') {
        ++pos;
        return true;
      }
      if (c == '\n' || c == '\v' || c == '\f')
        return false;
      if (c == '\\') {
        if (llvm::StringRef("\"\\nt").contains(peek(1)))
          pos += 1;
        else if (llvm::isHexDigit(peek(1)) && llvm::isHexDigit(peek(2)))
          pos += 2;
        else
          return false;
      }
    }
    return false;
  }

  // Past the token at the cursor (after skipTrivia). Returns the bare identifier when the
  // token is one, an empty string otherwise; false in `ok` where the lexer fails.
  llvm::StringRef lexToken(bool &ok) {
    ok = true;
    size_t start = pos;
    char c = peek();
    auto skipWhile = [&](auto pred) {
      while (!atEnd() && pred(peek()))
        ++pos;
    };
    auto suffixChar = [](char ch) { return llvm::isAlnum(ch) || llvm::StringRef("$._-").contains(ch); };
    if (c == '"') {
      ok = skipString();
    } else if (llvm::isAlpha(c) || c == '_') {
      skipWhile(isIdentChar);
      return text.slice(start, pos);
    } else if (llvm::isDigit(c)) {
      skipNumber();
    } else if (c == '@') {
      ++pos;
      if (peek() == '"')
        ok = skipString();
      else
        skipWhile(isIdentChar);
    } else if (llvm::StringRef("%^#!").contains(c)) {
      ++pos;
      if (llvm::isDigit(peek()))
        skipWhile([](char ch) { return llvm::isDigit(ch); });
      else
        skipWhile(suffixChar);
    } else {
      ++pos;
    }
    return {};
  }

  bool consume(char c) {
    skipTrivia();
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }

  // Consumes `word` when it is the next token.
  bool consumeKeyword(llvm::StringRef word) {
    skipTrivia();
    Cursor next = *this;
    bool ok;
    if (next.lexToken(ok) != word)
      return false;
    *this = next;
    return true;
  }

  // Past the bracketed group that starts at the cursor with `open`; false when it is
  // unbalanced or the lexer fails inside, which MLIR's parser reports itself.
  bool skipGroup(char open, char close) {
    if (!consume(open))
      return false;
    for (int depth = 1; depth > 0;) {
      skipTrivia();
      if (atEnd())
        return false;
      if (peek() == open)
        ++depth;
      else if (peek() == close)
        --depth;
      bool ok;
      lexToken(ok);
      if (!ok)
        return false;
    }
    return true;
  }

  // Past an integer (decimal, or 0x and hex digits) or a float (digits '.' digits,
  // exponent) that starts at the cursor.
  void skipNumber() {
    if (peek() == '0' && peek(1) == 'x') {
      if (!llvm::isHexDigit(peek(2))) {
        ++pos; // `0` then the identifier `x...`
        return;
      }
      pos += 2;
      while (llvm::isHexDigit(peek()))
        ++pos;
      return;
    }
    while (llvm::isDigit(peek()))
      ++pos;
    if (peek() != '.')
      return;
    ++pos;
    while (llvm::isDigit(peek()))
      ++pos;
    if ((peek() == 'e' || peek() == 'E') &&
        (llvm::isDigit(peek(1)) || ((peek(1) == '-' || peek(1) == '+') && llvm::isDigit(peek(2))))) {
      pos += 2;
      while (llvm::isDigit(peek()))
        ++pos;
    }
  }

private:
  llvm::StringRef text;
  size_t pos;
};

// Checks one element of a DenseI64ArrayAttr: an integer token (decimal or 0x hex),
// optionally negated, that fits int64_t.
std::optional<ParserHazard> checkInteger(Cursor &cur, llvm::StringRef text) {
  cur.skipTrivia();
  size_t start = cur.offset();
  bool negative = cur.consume('-');
  cur.skipTrivia();
  size_t digitsAt = cur.offset();
  if (!llvm::isDigit(cur.peek()))
    return ParserHazard{digitsAt, "expected an integer"};
  cur.skipNumber();
  llvm::StringRef token = text.slice(digitsAt, cur.offset());
  if (token.contains('.') || isIdentChar(cur.peek())) // `1.5`, `1e3`, `0x` and a name
    return ParserHazard{digitsAt, "expected an integer (a whole decimal or 0x hex number)"};
  bool hex = token.starts_with("0x");
  llvm::APInt magnitude;
  (void)(hex ? token.drop_front(2) : token).getAsInteger(hex ? 16 : 10, magnitude); // digits only
  const uint64_t limit = negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  if (magnitude.getActiveBits() > 64 || magnitude.getZExtValue() > limit)
    return ParserHazard{start, "integer " + text.slice(start, cur.offset()).str() + " does not fit in 64 bits"};
  return std::nullopt;
}

// The `[...]` list that a hazardous op's parser reads with DenseI64ArrayAttr::parse.
std::optional<ParserHazard> checkList(Cursor &cur, llvm::StringRef text, const HazardousOp &op) {
  auto hazard = [&](size_t at, const llvm::Twine &what) {
    return ParserHazard{at, ("custom op '" + op.name + "': malformed `" + op.keyword + "` list: " +
                             what + "; expected `" + op.keyword + " = [` integers `]`")
                                .str()};
  };
  cur.skipTrivia();
  if (!cur.consume('['))
    return hazard(cur.offset(), "expected '['");
  if (cur.consume(']'))
    return std::nullopt;
  while (true) {
    if (std::optional<ParserHazard> bad = checkInteger(cur, text))
      return hazard(bad->offset, bad->message);
    if (cur.consume(']'))
      return std::nullopt;
    if (!cur.consume(','))
      return hazard(cur.offset(), "expected ',' or ']'");
  }
}

// Follows the custom syntax of `op` from just after its name to its list, as its parser
// does; nothing when the text leaves that syntax first (the parser fails there, cleanly).
std::optional<ParserHazard> checkOp(Cursor cur, llvm::StringRef text, const HazardousOp &op) {
  cur.skipTrivia();
  if (op.payloadBraces && cur.peek() == '{' && !cur.skipGroup('{', '}'))
    return std::nullopt;
  for (llvm::StringRef group : {"ins", "outs"}) {
    if (cur.consumeKeyword(group) && !cur.skipGroup('(', ')'))
      return std::nullopt;
  }
  if (!cur.consumeKeyword(op.keyword) || !cur.consume('='))
    return std::nullopt;
  return checkList(cur, text, op);
}

} // namespace

std::optional<ParserHazard> findParserHazard(llvm::StringRef text) {
  Cursor cur(text);
  while (true) {
    cur.skipTrivia();
    if (cur.atEnd())
      return std::nullopt;
    bool ok;
    llvm::StringRef word = cur.lexToken(ok);
    if (!ok) // the lexer stops here, and so does the parser
      return std::nullopt;
    for (const HazardousOp &op : kHazardousOps) {
      if (word == op.name) {
        if (std::optional<ParserHazard> hazard = checkOp(cur, text, op))
          return hazard;
      }
    }
  }
}

llvm::LogicalResult checkParserHazards(const llvm::MemoryBuffer &buffer, llvm::raw_ostream &os) {
  std::optional<ParserHazard> hazard = findParserHazard(buffer.getBuffer());
  if (!hazard)
    return llvm::success();
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer(buffer.getMemBufferRef(), false),
                             llvm::SMLoc());
  llvm::SMLoc at = llvm::SMLoc::getFromPointer(buffer.getBufferStart() + hazard->offset);
  sources.PrintMessage(os, at, llvm::SourceMgr::DK_Error, hazard->message);
  return llvm::failure();
}

} // namespace dlc
