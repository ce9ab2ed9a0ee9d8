// The summaries of a backend run: per-op and per-suite tables (as aligned text for the
// console and as Markdown for --report), and the expected-pass list.
#ifndef DLC_TESTS_E2E_BACKEND_REPORT_H
#define DLC_TESTS_E2E_BACKEND_REPORT_H

#include "tests/e2e/backend/BackendCase.h"

#include <map>

namespace dlc::backend_test {

struct CaseRecord {
  BackendCase c;
  CaseResult r;
};

/// Per-op table, unsupported features, per-suite totals; Markdown adds the list of
/// cases that do not pass, with their reasons.
std::string summaryText(const std::vector<CaseRecord> &records, const std::vector<std::string> &suites);
std::string summaryMarkdown(const std::vector<CaseRecord> &records, const std::vector<std::string> &suites,
                            const std::string &title);

/// Writes through a temporary file and a rename, so a reader never sees half a file.
bool writeFileAtomically(const std::string &path, const std::string &content, std::string &err);

/// Suite-qualified case names, one a line; '#' starts a comment.
bool readCaseList(const std::string &path, std::vector<std::string> &names, std::string &err);
std::string passingCaseList(const std::vector<CaseRecord> &records);

/// Expected failures: one `suite/case  reason` a line ('#' starts a comment); a case
/// without a reason is an error.
bool readFailureList(const std::string &path, std::map<std::string, std::string> &reasons, std::string &err);
/// The cases that do not pass with what stopped each, in readFailureList's format.
std::string failingCaseList(const std::vector<CaseRecord> &records, const std::string &regenerate);

} // namespace dlc::backend_test

#endif
