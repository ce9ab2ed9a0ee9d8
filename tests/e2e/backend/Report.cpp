#include "tests/e2e/backend/Report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace dlc::backend_test {

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::string text() const {
    std::vector<size_t> width(header.size());
    for (size_t i = 0; i < header.size(); ++i) {
      width[i] = header[i].size();
      for (const auto &r : rows)
        width[i] = std::max(width[i], r[i].size());
    }
    std::string out;
    auto line = [&](const std::vector<std::string> &cells) {
      for (size_t i = 0; i < cells.size(); ++i) {
        // Names left-aligned, counts right-aligned.
        std::string pad(width[i] - cells[i].size(), ' ');
        out += (i ? "  " : "") + (i ? pad + cells[i] : cells[i] + pad);
      }
      while (!out.empty() && out.back() == ' ')
        out.pop_back();
      out += "\n";
    };
    line(header);
    for (const auto &r : rows)
      line(r);
    return out;
  }

  std::string markdown() const {
    auto cell = [](std::string s) {
      std::string o;
      for (char c : s)
        o += c == '|' ? std::string("\\|") : std::string(1, c);
      return o;
    };
    std::string out = "|";
    for (const auto &h : header)
      out += " " + cell(h) + " |";
    out += "\n|";
    for (size_t i = 0; i < header.size(); ++i)
      out += i ? " ---: |" : " --- |";
    out += "\n";
    for (const auto &r : rows) {
      out += "|";
      for (const auto &c : r)
        out += " " + cell(c) + " |";
      out += "\n";
    }
    return out;
  }
};

struct Counts {
  int cases = 0, pass = 0, fail = 0, unsupported = 0;
  void add(Status s) {
    ++cases;
    (s == Status::Pass ? pass : s == Status::Fail ? fail : unsupported)++;
  }
  std::vector<std::string> cells() const {
    return {std::to_string(cases), std::to_string(pass), std::to_string(fail), std::to_string(unsupported)};
  }
  std::string rate() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", cases ? 100.0 * pass / cases : 0.0);
    return buf;
  }
};

/// The kind of a failure, for grouping: the reason up to its first ':' for compiler and
/// runtime errors, "wrong output" for mismatches.
std::string failureKind(const std::string &reason) {
  if (reason.rfind("output '", 0) == 0 || reason.find(": output '") != std::string::npos)
    return "wrong output (values, shape or dtype)";
  for (const char *k : {"import error", "compile error", "runtime error", "timeout", "test data"})
    if (reason.rfind(k, 0) == 0)
      return k;
  if (reason.rfind("crash in ", 0) == 0)
    return reason.substr(0, reason.find(':'));
  return "other";
}

Table opTable(const std::vector<CaseRecord> &records) {
  std::map<std::string, Counts> byOp;
  for (const auto &rec : records)
    byOp[rec.c.op].add(rec.r.status);
  Table t{{"Op", "Cases", "Pass", "Fail", "Unsupported"}, {}};
  for (const auto &[op, n] : byOp) {
    std::vector<std::string> row{op};
    for (auto &c : n.cells())
      row.push_back(c);
    t.rows.push_back(row);
  }
  return t;
}

Table countTable(const std::string &what, const std::map<std::string, int> &counts) {
  std::vector<std::pair<std::string, int>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](auto &a, auto &b) { return a.second > b.second; });
  Table t{{what, "Cases"}, {}};
  for (const auto &[k, n] : sorted)
    t.rows.push_back({k, std::to_string(n)});
  return t;
}

Table unsupportedTable(const std::vector<CaseRecord> &records) {
  std::map<std::string, int> counts;
  for (const auto &rec : records)
    if (rec.r.status == Status::Unsupported)
      ++counts[rec.r.unsupported];
  return countTable("Unsupported (as the importer names it)", counts);
}

Table failureTable(const std::vector<CaseRecord> &records) {
  std::map<std::string, int> counts;
  for (const auto &rec : records)
    if (rec.r.status == Status::Fail)
      ++counts[failureKind(rec.r.reason)];
  return countTable("Failure kind", counts);
}

Table suiteTable(const std::vector<CaseRecord> &records, const std::vector<std::string> &suites) {
  std::map<std::string, Counts> bySuite;
  Counts total;
  for (const auto &rec : records) {
    bySuite[rec.c.suite].add(rec.r.status);
    total.add(rec.r.status);
  }
  Table t{{"Suite", "Cases", "Pass", "Fail", "Unsupported", "Pass rate"}, {}};
  auto row = [&](const std::string &name, const Counts &n) {
    std::vector<std::string> r{name};
    for (auto &c : n.cells())
      r.push_back(c);
    r.push_back(n.rate());
    t.rows.push_back(r);
  };
  for (const auto &s : suites)
    row(s, bySuite[s]);
  if (suites.size() > 1)
    row("total", total);
  return t;
}

} // namespace

std::string summaryText(const std::vector<CaseRecord> &records, const std::vector<std::string> &suites) {
  std::string out = "\nPer op:\n" + opTable(records).text();
  Table u = unsupportedTable(records), f = failureTable(records);
  if (!u.rows.empty())
    out += "\nUnsupported:\n" + u.text();
  if (!f.rows.empty())
    out += "\nFailures:\n" + f.text();
  return out + "\nTotals:\n" + suiteTable(records, suites).text();
}

std::string summaryMarkdown(const std::vector<CaseRecord> &records, const std::vector<std::string> &suites,
                            const std::string &title) {
  std::string out = "# " + title + "\n\n";
  out += "Generated by `dlc-backend-test` (tests/e2e/backend). A case passes when every output of every\n"
         "test_data_set_N matches: floats within |got - expected| <= 1e-5 + 1e-3 * |expected|, others exactly.\n"
         "Cases are grouped by the op they test: the model's single op, or for multi-node models the op\n"
         "the case is named after; `_expanded` variants count for the op they expand. Graph inputs that\n"
         "the importer needs as constants (Reshape's shape, Slice's starts, ...) are bound to their\n"
         "test values. Unsupported: the importer refused the model and said why.\n\n";
  out += "## Totals\n\n" + suiteTable(records, suites).markdown();
  Table u = unsupportedTable(records), f = failureTable(records);
  if (!f.rows.empty())
    out += "\n## Failures by kind\n\n" + f.markdown();
  if (!u.rows.empty())
    out += "\n## Unsupported features\n\n" + u.markdown();
  out += "\n## Per op\n\n" + opTable(records).markdown();
  // Unsupported cases are summed up above by what the importer refused.
  Table bad{{"Case", "Op", "Reason"}, {}};
  for (const auto &rec : records)
    if (rec.r.status == Status::Fail)
      bad.rows.push_back({rec.c.qualifiedName(), rec.c.op, rec.r.reason});
  if (!bad.rows.empty())
    out += "\n## Cases that fail\n\n" + bad.markdown();
  return out;
}

bool writeFileAtomically(const std::string &path, const std::string &content, std::string &err) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      err = "cannot write '" + tmp + "'";
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = "cannot rename '" + tmp + "' to '" + path + "'";
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool readCaseList(const std::string &path, std::vector<std::string> &names, std::string &err) {
  std::ifstream in(path);
  if (!in) {
    err = "cannot read '" + path + "'";
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    size_t b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
    if (b != std::string::npos)
      names.push_back(line.substr(b, e - b + 1));
  }
  return true;
}

std::string passingCaseList(const std::vector<CaseRecord> &records) {
  std::vector<std::string> names;
  for (const auto &rec : records)
    if (rec.r.status == Status::Pass)
      names.push_back(rec.c.qualifiedName());
  std::sort(names.begin(), names.end());
  std::string out = "# ONNX backend cases that pass (suite/case), checked by the onnx-backend-* ctest tests.\n"
                    "# Regenerate: dlc-backend-test --write-expected-pass tests/e2e/backend/expected_pass.txt\n";
  for (const auto &n : names)
    out += n + "\n";
  return out;
}

bool readFailureList(const std::string &path, std::map<std::string, std::string> &reasons, std::string &err) {
  std::ifstream in(path);
  if (!in) {
    err = "cannot read '" + path + "'";
    return false;
  }
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    if (line.empty() || line[0] == '#')
      continue;
    size_t nameEnd = line.find_first_of(" \t");
    size_t reason = nameEnd == std::string::npos ? nameEnd : line.find_first_not_of(" \t", nameEnd);
    if (reason == std::string::npos) {
      err = path + ":" + std::to_string(lineNo) + ": '" + line + "' gives no reason for the expected failure";
      return false;
    }
    reasons[line.substr(0, nameEnd)] = line.substr(reason);
  }
  return true;
}

std::string failingCaseList(const std::vector<CaseRecord> &records, const std::string &regenerate) {
  std::map<std::string, std::string> lines;
  for (const auto &rec : records) {
    if (rec.r.status == Status::Pass)
      continue;
    std::string why = rec.r.status == Status::Unsupported ? "unsupported " + rec.r.unsupported
                                                          : std::string(statusName(rec.r.status)) + " " + rec.r.reason;
    if (why.size() > 240)
      why = why.substr(0, 237) + "...";
    lines[rec.c.qualifiedName()] = why;
  }
  std::string out = "# ONNX backend cases that do not pass yet (suite/case, then why), checked by ctest: a case\n"
                    "# that fails off this list, or passes on it, fails the test.\n"
                    "# Regenerate: " + regenerate + "\n";
  for (const auto &[name, why] : lines)
    out += name + "  " + why + "\n";
  return out;
}

} // namespace dlc::backend_test
