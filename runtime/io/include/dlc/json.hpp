// JSON text: what safetensors headers, metrics files and training logs are written with.
#ifndef DLC_JSON_HPP
#define DLC_JSON_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "dlc/runtime.h"

namespace dlc {

// A minimal JSON writer: objects and arrays nested in call order, keys in insertion order,
// doubles with 17 significant digits and non-finite values as null.
class DLC_API JsonWriter {
public:
  JsonWriter &begin_object(const std::string &key = "");
  JsonWriter &end_object();
  JsonWriter &begin_array(const std::string &key = "");
  JsonWriter &end_array();
  JsonWriter &value(const std::string &key, double v);
  JsonWriter &value(const std::string &key, int64_t v);
  JsonWriter &value(const std::string &key, int v) { return value(key, static_cast<int64_t>(v)); }
  JsonWriter &value(const std::string &key, bool v);
  JsonWriter &value(const std::string &key, const std::string &v);
  JsonWriter &value(const std::string &key, const char *v) { return value(key, std::string(v)); }
  JsonWriter &array(const std::string &key, const std::vector<double> &v);
  JsonWriter &array(const std::string &key, const std::vector<int64_t> &v);
  // The text so far (complete once every object and array is closed), ending in "\n".
  std::string str() const { return out_ + "\n"; }

private:
  void key(const std::string &k);
  std::string out_;
  std::vector<bool> first_; // per open container: nothing written into it yet
  std::vector<bool> is_array_;
};

DLC_API std::string json_escape(const std::string &s);
DLC_API std::string json_number(double v);
// "%.17g": the text reads back as the same double (non-finite values as nan/inf).
DLC_API std::string number_text(double v);

} // namespace dlc

#endif // DLC_JSON_HPP
