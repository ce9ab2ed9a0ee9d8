#include "dlc/json.hpp"

#include <cmath>
#include <cstdio>

namespace dlc {


std::string json_escape(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v))
    return "null";
  if (v == 0)
    return "0";
  char buf[32];
  // The shortest of %.15g / %.17g that reads back as the same double.
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v)
    std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void JsonWriter::key(const std::string &k) {
  if (first_.empty())
    return; // the top-level value
  if (!first_.back())
    out_ += ",";
  first_.back() = false;
  out_ += "\n" + std::string(2 * first_.size(), ' ');
  if (!is_array_.back())
    out_ += json_escape(k) + ": ";
}

JsonWriter &JsonWriter::begin_object(const std::string &k) {
  key(k);
  out_ += "{";
  first_.push_back(true);
  is_array_.push_back(false);
  return *this;
}

JsonWriter &JsonWriter::end_object() {
  bool empty = first_.back();
  first_.pop_back();
  is_array_.pop_back();
  if (!empty)
    out_ += "\n" + std::string(2 * first_.size(), ' ');
  out_ += "}";
  return *this;
}

JsonWriter &JsonWriter::begin_array(const std::string &k) {
  key(k);
  out_ += "[";
  first_.push_back(true);
  is_array_.push_back(true);
  return *this;
}

JsonWriter &JsonWriter::end_array() {
  bool empty = first_.back();
  first_.pop_back();
  is_array_.pop_back();
  if (!empty)
    out_ += "\n" + std::string(2 * first_.size(), ' ');
  out_ += "]";
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &k, double v) {
  key(k);
  out_ += json_number(v);
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &k, int64_t v) {
  key(k);
  out_ += std::to_string(v);
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &k, bool v) {
  key(k);
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &k, const std::string &v) {
  key(k);
  out_ += json_escape(v);
  return *this;
}

// Numeric arrays go on one line.
JsonWriter &JsonWriter::array(const std::string &k, const std::vector<double> &v) {
  key(k);
  out_ += "[";
  for (size_t i = 0; i < v.size(); ++i)
    out_ += (i ? ", " : "") + json_number(v[i]);
  out_ += "]";
  return *this;
}

JsonWriter &JsonWriter::array(const std::string &k, const std::vector<int64_t> &v) {
  key(k);
  out_ += "[";
  for (size_t i = 0; i < v.size(); ++i)
    out_ += (i ? ", " : "") + std::to_string(v[i]);
  out_ += "]";
  return *this;
}

std::string number_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

} // namespace dlc
