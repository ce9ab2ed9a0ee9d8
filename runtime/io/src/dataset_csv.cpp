// csv:FILE:label=COLUMN — a header row of column names, then one row of numbers per
// sample. Fields are separated by commas and may be quoted ("a, b" with "" for a quote);
// blank lines are skipped; CRLF line ends and a UTF-8 byte-order mark are accepted.
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "dataset_internal.hpp"
#include "dlc/file_io.hpp"
#include "printable.hpp"

namespace dlc {

namespace {

std::string trim(const std::string &s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    --e;
  return s.substr(b, e - b);
}

// Splits one line into fields; throws for an unterminated quote.
std::vector<std::string> split_fields(const std::string &line, const std::string &where) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"' && trim(field).empty() && !was_quoted) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      out.push_back(was_quoted ? field : trim(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  if (quoted)
    throw Error(where + ": unterminated quoted field");
  out.push_back(was_quoted ? field : trim(field));
  return out;
}

} // namespace

Dataset load_csv_dataset(const DataSpec &spec, const std::string &text,
                         const DatasetOptions &opts) {
  std::string label = spec.label;
  if (label.empty())
    label = opts.label;
  else if (!opts.label.empty() && opts.label != label)
    throw Error(text + ": the SPEC names label column '" + label + "' but --label names '" +
                opts.label + "'");
  if (label.empty())
    throw Error(text + ": no label column; write csv:FILE:label=COLUMN");
  std::string bytes = read_file(spec.path);
  if (bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)
    bytes.erase(0, 3);

  std::vector<std::string> header;
  int64_t header_line = 0;
  int label_col = -1;
  std::vector<float> features;
  std::vector<double> labels;
  int64_t rows = 0, line_no = 0;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    if (nl == std::string::npos)
      nl = bytes.size();
    std::string line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (trim(line).empty())
      continue;
    std::string where = spec.path + ":" + std::to_string(line_no);
    std::vector<std::string> fields = split_fields(line, where);
    if (header.empty()) {
      header = fields;
      header_line = line_no;
      for (size_t i = 0; i < header.size(); ++i) {
        if (header[i] == label) {
          if (label_col >= 0)
            throw Error(where + ": two columns are named '" + printable(label) + "'");
          label_col = static_cast<int>(i);
        }
      }
      if (label_col < 0) {
        std::string names;
        for (const std::string &h : header)
          names += (names.empty() ? "" : ", ") + printable(h);
        throw Error(text + ": no column named '" + printable(label) + "' in the header row (" +
                    names + ")");
      }
      if (header.size() < 2)
        throw Error(text + ": the label column '" + printable(label) +
                    "' is the only column; there are no features");
      continue;
    }
    if (fields.size() != header.size())
      throw Error(where + ": " + std::to_string(fields.size()) + " fields, the header (line " +
                  std::to_string(header_line) + ") has " + std::to_string(header.size()));
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string &f = fields[i];
      char *end = nullptr;
      errno = 0;
      double v = f.empty() ? 0 : std::strtod(f.c_str(), &end);
      if (f.empty() || *end != '\0')
        throw Error(where + ": column '" + printable(header[i]) + "': " +
                    (f.empty() ? std::string("empty value")
                               : "'" + printable(f, 40) + "' is not a number"));
      if (static_cast<int>(i) == label_col)
        labels.push_back(v);
      else
        features.push_back(static_cast<float>(v));
    }
    ++rows;
  }
  if (header.empty())
    throw Error(text + ": the file is empty (no header row)");
  if (rows == 0)
    throw Error(text + ": no data rows after the header row");

  bool integral = true;
  for (double v : labels)
    if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9.0e15) {
      integral = false;
      break;
    }
  int64_t nf = static_cast<int64_t>(header.size()) - 1;
  DataArray feat;
  feat.name = "features";
  feat.what = "csv features";
  feat.data = Tensor(DLC_DTYPE_F32, {rows, nf});
  std::copy(features.begin(), features.end(), feat.data.data_as<float>());
  DataArray lab;
  lab.name = label;
  lab.what = "csv column '" + label + "'";
  if (integral) {
    lab.data = Tensor(DLC_DTYPE_I64, {rows});
    for (int64_t i = 0; i < rows; ++i)
      lab.data.data_as<int64_t>()[i] = static_cast<int64_t>(labels[static_cast<size_t>(i)]);
  } else {
    lab.data = Tensor(DLC_DTYPE_F32, {rows});
    for (int64_t i = 0; i < rows; ++i)
      lab.data.data_as<float>()[i] = static_cast<float>(labels[static_cast<size_t>(i)]);
  }
  std::vector<DataArray> fs;
  fs.push_back(std::move(feat));
  return Dataset::from_arrays(text, "csv", std::move(fs), std::move(lab));
}

} // namespace dlc
